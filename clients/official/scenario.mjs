// Runs one scenario against a CopilotAspire runtime with the official @ag-ui/client and prints one JSON line.
// Usage: node scenario.mjs <scenario> <runtimeUrl> <agentId> <threadId> [text]
// The CopilotKit client's REST transport is mirrored: run = HttpAgent on {runtimeUrl}/agent/{id}/run,
// connect = the same agent class reading {runtimeUrl}/agent/{id}/connect, stop = POST {runtimeUrl}/agent/{id}/stop/{thread}.
import { HttpAgent, runHttpRequest, transformHttpEventStream } from "@ag-ui/client";
import { EventSchemas } from "@ag-ui/core";

const [scenario, runtimeUrl, agentId, threadId, text = "hello from node"] = process.argv.slice(2);

class RuntimeAgent extends HttpAgent {
  constructor(config) {
    super({ ...config, url: `${runtimeUrl}/agent/${encodeURIComponent(agentId)}/run` });
  }
  // What CopilotKit's ProxiedCopilotRuntimeAgent does for /connect (HttpAgent has no connect of its own).
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
        EventSchemas.parse(event); // every event must pass the official zod schema
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
  const agent = new RuntimeAgent({ threadId, headers: { Authorization: "Bearer node-client", "X-Harness": "agui" } });
  const rec = recorder();
  switch (scenario) {
    case "run": {
      agent.messages = [{ id: `u-${Date.now()}`, role: "user", content: text }];
      const result = await agent.runAgent({ runId: `r-${Date.now()}` }, rec.subscriber);
      return summary(agent, rec, { newMessages: result.newMessages, result: result.result ?? null });
    }
    case "two-runs": {
      agent.messages = [{ id: "u1", role: "user", content: text }];
      await agent.runAgent({ runId: "r1" }, rec.subscriber);
      agent.messages = [...agent.messages, { id: "u2", role: "user", content: `${text} again` }];
      await agent.runAgent({ runId: "r2" }, rec.subscriber);
      return summary(agent, rec);
    }
    case "connect": {
      // As the CopilotKit client does on mount: messages reset, state {}, then connect.
      agent.messages = [];
      agent.state = {};
      await agent.connectAgent({ runId: `c-${Date.now()}` }, rec.subscriber);
      return summary(agent, rec);
    }
    case "stop": {
      // Start a slow run, stop it once the first token arrived, and read the stream to its end.
      const runId = `r-stop-${Date.now()}`;
      agent.messages = [{ id: "u-stop", role: "user", content: text }];
      let stopReply;
      let stopping;
      const subscriber = {
        onEvent({ event }) {
          EventSchemas.parse(event);
          rec.events.push(event);
          if (event.type === "TEXT_MESSAGE_CONTENT" && !stopping) {
            stopping = stop(runId).then((r) => (stopReply = r));
          }
        },
      };
      await agent.runAgent({ runId }, subscriber);
      await stopping;
      return summary(agent, rec, { stopReply });
    }
    case "frontend-tool": {
      // What the CopilotKit client does with a frontend tool: offer it, run the handler when the model calls it,
      // append the tool result and start a follow-up run with the whole conversation.
      agent.messages = [{ id: "u-tool", role: "user", content: text }];
      const tools = [{ name: "changeColor", description: "Changes the page colour", parameters: { type: "object", properties: { color: { type: "string" } }, required: ["color"] } }];
      const first = await agent.runAgent({ runId: "r-tool-1", tools }, rec.subscriber);
      const calls = first.newMessages.filter((m) => m.role === "assistant").flatMap((m) => m.toolCalls ?? []);
      for (const call of calls) {
        const args = JSON.parse(call.function.arguments);
        agent.messages = [...agent.messages, { id: `result-${call.id}`, role: "tool", toolCallId: call.id, content: `colour set to ${args.color}` }];
      }
      await agent.runAgent({ runId: "r-tool-2", tools }, rec.subscriber);
      return summary(agent, rec, { toolCalls: calls });
    }
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

main().then(
  (out) => {
    process.stdout.write(JSON.stringify({ ok: true, ...out }) + "\n");
  },
  (err) => {
    process.stdout.write(JSON.stringify({ ok: false, error: String(err?.stack ?? err) }) + "\n");
    process.exitCode = 1;
  },
);
