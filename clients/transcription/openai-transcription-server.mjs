// A minimal OpenAI-compatible transcription endpoint in plain Node (no packages): POST /v1/audio/transcriptions with
// multipart/form-data parsed by Node's own strict parser (Request.formData()), as Node-based servers do. It answers
// {"text":"<file name> <bytes> bytes of <type> for <model>"} and OpenAI-shaped errors (400 "Malformed multipart body").
// Binds 127.0.0.1 on a free port and prints "listening <port>". Stops on SIGTERM/SIGINT.
import { createServer } from "node:http";

function reply(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function error(res, status, message, param = null) {
  reply(res, status, { error: { message, type: "invalid_request_error", param, code: null } });
}

const server = createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/v1/audio/transcriptions") {
    return error(res, 404, `No route ${req.method} ${req.url}`);
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  let form;
  try {
    form = await new Request("http://127.0.0.1" + req.url, { method: "POST", headers: req.headers, body: Buffer.concat(chunks) }).formData();
  } catch (e) {
    return error(res, 400, `Malformed multipart body: ${e?.message ?? e}`);
  }
  const file = form.get("file");
  if (!file || typeof file === "string") return error(res, 400, "Missing required parameter: 'file'.", "file");
  const model = form.get("model");
  if (typeof model !== "string" || !model) return error(res, 400, "Missing required parameter: 'model'.", "model");
  reply(res, 200, { text: `${file.name} ${file.size} bytes of ${file.type} for ${model}` });
});

server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
