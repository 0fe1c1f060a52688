// Runs one scenario (../agui-scenario.mjs) against a CopilotAspire runtime with the AG-UI 1.0 client
// (@ag-ui/client 1.0.0 of this folder, not the 0.0.59 of ../official) and prints one JSON line.
// Usage: node scenario.mjs <scenario> <runtimeUrl> <agentId> <threadId> [text]
import * as client from "@ag-ui/client";
import { EventSchema } from "@ag-ui/core/schemas";
import { packageVersion, runScenario } from "../agui-scenario.mjs";

runScenario({
  client,
  parseEvent: (event) => EventSchema.parse(event), // the 1.0 zod schema
  clientVersion: packageVersion(import.meta.resolve("@ag-ui/client"), "@ag-ui/client"),
  harness: "agui-1.0",
  defaultText: "hello from the 1.0 client",
});
