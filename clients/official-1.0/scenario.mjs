// Runs one scenario against a CopilotAspire runtime with the AG-UI 1.0 client (@ag-ui/client 1.0.0) and prints one
// JSON line. Like ../official/scenario.mjs (0.0.59), plus every console warning the client printed ("Dropping
// unrecognised event", "Removed unrecognised material" when it strips a field, legacy translations…), so tests can
// assert there are none.
// Usage: node scenario.mjs <scenario> <runtimeUrl> <agentId> <threadId> [text]
import { HttpAgent, runHttpRequest, transformHttpEventStream } from "@ag-ui/client";
import { EventSchema } from "@ag-ui/core/schemas";

const [scenario, runtimeUrl, agentId, threadId, text = "hello from the 1.0 client"] = process.argv.slice(2);

const warnings = [];
for (const level of ["warn", "error"]) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    warnings.push(args.map((a) => (typeof a === "string" ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(" "));
    original(...args);
  };
}

class RuntimeAgent extends HttpAgent {
  constructor(config) {
    super({ ...config, url: `${runtimeUrl}/agent/${encodeURIComponent(agentId)}/run` });
  }
  // What CopilotKit's ProxiedCopilotRuntimeAgent does for /connect.
  connect(input) {
    const url = `${runtimeUrl}/agent/${agentId}/connect`;
    return transformHttpEventStream(runHttpRequest(() => this.fetch(url, this.requestInit(input))), this.debugLogger);
  }
}

function recorder() {
  const events = [];
  return {
    events,
    subscriber: {
      onEvent({ event }) {
        EventSchema.parse(event); // every event must pass the 1.0 zod schema
        events.push(event);
      },
    },
  };
}

async function stop(runId) {
  const res = await fetch(`${runtimeUrl}/agent/${encodeURIComponent(agentId)}/stop/${encodeURIComponent(threadId)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(runId ? { runId } : {}),
  });
  return { status: res.status, body: await res.json() };
}

function summary(agent, rec, extra = {}) {
  return { messages: agent.messages, state: agent.state, eventTypes: rec.events.map((e) => e.type), events: rec.events, ...extra };
}

async function main() {
  const agent = new RuntimeAgent({ threadId, headers: { Authorization: "Bearer node-client", "X-Harness": "agui-1.0" } });
  const rec = recorder();
  switch (scenario) {
    case "run": {
      agent.messages = [{ id: `u-${Date.now()}`, role: "user", content: text }];
      const result = await agent.runAgent({ runId: `r-${Date.now()}` }, rec.subscriber);
      return summary(agent, rec, { newMessages: result.newMessages });
    }
    case "connect": {
      agent.messages = [];
      agent.state = {};
      await agent.connectAgent({ runId: `c-${Date.now()}` }, rec.subscriber);
      return summary(agent, rec);
    }
    case "stop": {
      const runId = `r-stop-${Date.now()}`;
      agent.messages = [{ id: "u-stop", role: "user", content: text }];
      let stopReply;
      let stopping;
      let outcome;
      const subscriber = {
        onEvent({ event }) {
          EventSchema.parse(event);
          rec.events.push(event);
          if (event.type === "TEXT_MESSAGE_CONTENT" && !stopping) {
            stopping = stop(runId).then((r) => (stopReply = r));
          }
        },
        onRunFinishedEvent(params) {
          outcome = params.outcome;
        },
      };
      await agent.runAgent({ runId }, subscriber);
      await stopping;
      return summary(agent, rec, { stopReply, outcome });
    }
    case "tool-result-parts": {
      // A frontend tool's result sent back as content parts (new in 1.0), tools and context left out.
      agent.messages = [
        { id: "u-parts", role: "user", content: [{ type: "text", text }] },
        { id: "a-parts", role: "assistant", toolCalls: [{ id: "call-parts", type: "function", function: { name: "lookup", arguments: "{}" } }] },
        { id: "t-parts", role: "tool", toolCallId: "call-parts", content: [{ type: "text", text: "found it" }] },
      ];
      const result = await agent.runAgent({ runId: `r-parts-${Date.now()}` }, rec.subscriber);
      return summary(agent, rec, { newMessages: result.newMessages });
    }
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

main().then(
  (out) => {
    process.stdout.write(JSON.stringify({ ok: true, ...out, warnings }) + "\n");
  },
  (err) => {
    process.stdout.write(JSON.stringify({ ok: false, error: String(err?.stack ?? err), warnings }) + "\n");
    process.exitCode = 1;
  },
);
