// Runs one scenario (../agui-scenario.mjs) against a CopilotAspire runtime with the official @ag-ui/client 0.0.59, the
// version the official runtime 1.75.0 pins, and prints one JSON line.
// Usage: node scenario.mjs <scenario> <runtimeUrl> <agentId> <threadId> [text]
import * as client from "@ag-ui/client";
import { EventSchemas } from "@ag-ui/core";
import { packageVersion, runScenario } from "../agui-scenario.mjs";

runScenario({
  client,
  parseEvent: (event) => EventSchemas.parse(event), // the official zod schema
  clientVersion: packageVersion(import.meta.resolve("@ag-ui/client"), "@ag-ui/client"),
  harness: "agui",
  defaultText: "hello from node",
});
