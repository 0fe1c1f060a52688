// Starts @modelcontextprotocol/server-everything for the MCP tests: `node everything.mjs stdio` speaks MCP on
// stdin/stdout; `node everything.mjs streamableHttp` serves streamable HTTP at /mcp on 127.0.0.1 (PORT, default any
// free port) and prints "Now listening on: http://127.0.0.1:<port>/mcp". The server itself listens on every
// interface; the wrapper pins its listen call to loopback, as every test server here.
import net from "node:net";

const transport = process.argv[2] ?? "stdio";
if (transport !== "stdio") {
  process.env.PORT ??= "0";
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (port, ...rest) {
    this.once("listening", () => console.log(`Now listening on: http://127.0.0.1:${this.address().port}/mcp`));
    const callback = rest.find((arg) => typeof arg === "function");
    return listen.call(this, Number(port), "127.0.0.1", callback);
  };
}
process.argv = [process.argv[0], process.argv[1], transport];
await import("@modelcontextprotocol/server-everything/dist/index.js");
