// The scenarios the .NET tests run with an official AG-UI client against a CopilotAspire runtime, shared by
// official/scenario.mjs (@ag-ui/client 0.0.59) and official-1.0/scenario.mjs (@ag-ui/client 1.0.0). This module imports
// no npm package: each entry point imports its own folder's client and passes it in, so each folder still runs the
// version its package.json pins.
//
// The CopilotKit client's REST transport is mirrored: run = HttpAgent on {runtimeUrl}/agent/{id}/run,
// connect = the same agent class reading {runtimeUrl}/agent/{id}/connect, stop = POST {runtimeUrl}/agent/{id}/stop/{thread}.
// Prints one JSON line: ok, what the scenario returned, the client's version and every console warning or error the
// client printed ("Dropping unrecognised event", "Removed unrecognised material" when it strips a field, legacy
// translations…), so tests can assert there are none.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The version of the package `name` that `resolvedUrl` (what `import.meta.resolve(name)` gave) belongs to. */
export function packageVersion(resolvedUrl, name) {
  for (let dir = dirname(fileURLToPath(resolvedUrl)); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      if (pkg.name === name) {
        return pkg.version;
      }
    } catch (err) {
      if (err.code !== "ENOENT") {
        throw err;
      }
    }
  }
  throw new Error(`no package.json of ${name} above ${resolvedUrl}`);
}

function captureWarnings() {
  const warnings = [];
  for (const level of ["warn", "error"]) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      warnings.push(args.map((a) => (typeof a === "string" ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(" "));
      original(...args);
    };
  }
  return warnings;
}

/**
 * Runs the scenario named on the command line (`node scenario.mjs <scenario> <runtimeUrl> <agentId> <threadId> [text]`)
 * and prints its result.
 * @param client `{ HttpAgent, runHttpRequest, transformHttpEventStream }` from the caller's `@ag-ui/client`.
 * @param parseEvent the caller's zod event schema's `parse`: every event must pass it.
 * @param clientVersion the caller's `@ag-ui/client` version (see packageVersion), printed as `clientVersion`.
 * @param harness the `X-Harness` header the client sends (the scripted agent echoes forwarded headers).
 * @param defaultText the user's text when none is given.
 */
export function runScenario({ client, parseEvent, clientVersion, harness, defaultText }) {
  const warnings = captureWarnings();
  const [scenario, runtimeUrl, agentId, threadId, text = defaultText] = process.argv.slice(2);
  const { HttpAgent, runHttpRequest, transformHttpEventStream } = client;

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

  const events = [];
  const record = (event) => {
    parseEvent(event);
    events.push(event);
  };
  const recorder = { onEvent: ({ event }) => record(event) };

  async function stop(runId) {
    const res = await fetch(`${runtimeUrl}/agent/${encodeURIComponent(agentId)}/stop/${encodeURIComponent(threadId)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(runId ? { runId } : {}),
    });
    return { status: res.status, body: await res.json() };
  }

  const summary = (agent, extra = {}) => ({ messages: agent.messages, state: agent.state, eventTypes: events.map((e) => e.type), events, ...extra });

  const scenarios = {
    async run(agent) {
      agent.messages = [{ id: `u-${Date.now()}`, role: "user", content: text }];
      const result = await agent.runAgent({ runId: `r-${Date.now()}` }, recorder);
      return summary(agent, { newMessages: result.newMessages, result: result.result ?? null });
    },
    async "two-runs"(agent) {
      agent.messages = [{ id: "u1", role: "user", content: text }];
      await agent.runAgent({ runId: "r1" }, recorder);
      agent.messages = [...agent.messages, { id: "u2", role: "user", content: `${text} again` }];
      await agent.runAgent({ runId: "r2" }, recorder);
      return summary(agent);
    },
    async connect(agent) {
      // As the CopilotKit client does on mount: messages reset, state {}, then connect.
      agent.messages = [];
      agent.state = {};
      await agent.connectAgent({ runId: `c-${Date.now()}` }, recorder);
      return summary(agent);
    },
    async stop(agent) {
      // Start a slow run, stop it once the first token arrived, and read the stream to its end. `outcome` is what the
      // client's onRunFinishedEvent reports (1.0; absent before).
      const runId = `r-stop-${Date.now()}`;
      agent.messages = [{ id: "u-stop", role: "user", content: text }];
      let stopReply;
      let stopping;
      let outcome;
      const subscriber = {
        onEvent({ event }) {
          record(event);
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
      return summary(agent, { stopReply, outcome });
    },
    async "frontend-tool"(agent) {
      // What the CopilotKit client does with a frontend tool: offer it, run the handler when the model calls it,
      // append the tool result and start a follow-up run with the whole conversation.
      agent.messages = [{ id: "u-tool", role: "user", content: text }];
      const tools = [{ name: "changeColor", description: "Changes the page colour", parameters: { type: "object", properties: { color: { type: "string" } }, required: ["color"] } }];
      const first = await agent.runAgent({ runId: "r-tool-1", tools }, recorder);
      const calls = first.newMessages.filter((m) => m.role === "assistant").flatMap((m) => m.toolCalls ?? []);
      for (const call of calls) {
        const args = JSON.parse(call.function.arguments);
        agent.messages = [...agent.messages, { id: `result-${call.id}`, role: "tool", toolCallId: call.id, content: `colour set to ${args.color}` }];
      }
      await agent.runAgent({ runId: "r-tool-2", tools }, recorder);
      return summary(agent, { toolCalls: calls });
    },
    async "tool-result-parts"(agent) {
      // AG-UI 1.0 only: a frontend tool's result sent back as content parts, tools and context left out.
      agent.messages = [
        { id: "u-parts", role: "user", content: [{ type: "text", text }] },
        { id: "a-parts", role: "assistant", toolCalls: [{ id: "call-parts", type: "function", function: { name: "lookup", arguments: "{}" } }] },
        { id: "t-parts", role: "tool", toolCallId: "call-parts", content: [{ type: "text", text: "found it" }] },
      ];
      const result = await agent.runAgent({ runId: `r-parts-${Date.now()}` }, recorder);
      return summary(agent, { newMessages: result.newMessages });
    },
  };

  const main = async () => {
    const play = Object.hasOwn(scenarios, scenario) ? scenarios[scenario] : null;
    if (!play) {
      throw new Error(`unknown scenario ${scenario}`);
    }
    return play(new RuntimeAgent({ threadId, headers: { Authorization: "Bearer node-client", "X-Harness": harness } }));
  };

  main().then(
    (out) => {
      process.stdout.write(JSON.stringify({ ok: true, ...out, clientVersion, warnings }) + "\n");
    },
    (err) => {
      process.stdout.write(JSON.stringify({ ok: false, error: String(err?.stack ?? err), clientVersion, warnings }) + "\n");
      process.exitCode = 1;
    },
  );
}
