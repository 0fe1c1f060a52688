// The official CopilotKit runtime (@copilotkit/runtime 1.75.0) hosted as its docs show (Hono on Node, the v2
// CopilotRuntime with its InMemoryAgentRunner), serving the same two agents as CopilotAspire's Api:
//   scripted — scripted-agent.md §1.2, written here as an AG-UI AbstractAgent (events as our C# ScriptedAgent);
//   default  — the official BuiltInAgent on OpenAI Chat Completions at OPENAI_BASE_URL (the benchmark's fake model).
//   builtin — only with OFFICIAL_BUILTIN_AGENT=1 (the side-by-side tests of docs/agents-builtin.md): the official
//             BuiltInAgent with an interrupt tool, overridable temperature, and the MCP server at OFFICIAL_MCP_URL if set.
// Listens on 127.0.0.1:$PORT (0 = any free port) and prints "Now listening on: http://127.0.0.1:<port>".
import { serve } from "@hono/node-server";
import { AbstractAgent, EventType } from "@ag-ui/client";
import { createOpenAI } from "@ai-sdk/openai";
import { BuiltInAgent, CopilotRuntime, InMemoryAgentRunner, createCopilotEndpoint, defineTool } from "@copilotkit/runtime/v2";
import { Observable } from "rxjs";

process.env.COPILOTKIT_TELEMETRY_DISABLED ??= "true";

const MAX_TOKENS = 100_000;
const MAX_EVENTS = 1_000_000;
const MAX_DELAY = 10_000;

const directive = (name, text) => {
  const m = new RegExp(`\\b${name}:(\\d+)`).exec(text);
  return m ? Number(m[1]) : undefined;
};
const startsWithWord = (text, word) => text.startsWith(word) && (text.length === word.length || !/[\p{L}\p{N}]/u.test(text[word.length]));

// Yields events, or a number: the milliseconds to pause before going on.
function* script(input, headers) {
  const last = [...input.messages].reverse().find((m) => m.role === "user");
  const t = typeof last?.content === "string" ? last.content : "";
  const r = input.runId;
  yield { type: EventType.RUN_STARTED, threadId: input.threadId, runId: r };
  if (startsWithWord(t, "error")) {
    yield { type: EventType.RUN_ERROR, message: "Scripted error", code: "SCRIPTED_ERROR" };
    return;
  }
  if (startsWithWord(t, "throw")) throw new Error("Scripted failure");
  const delay = directive("delay", t) ?? 0;
  const tokens = directive("tokens", t);
  const events = directive("events", t);
  if ((tokens ?? 0) > MAX_TOKENS || (events ?? 0) > MAX_EVENTS || delay > MAX_DELAY) {
    yield { type: EventType.RUN_ERROR, message: `Scripted directive out of range (tokens ≤ ${MAX_TOKENS}, events ≤ ${MAX_EVENTS}, delay ≤ ${MAX_DELAY}).`, code: "SCRIPTED_LIMIT" };
    return;
  }
  if (tokens !== undefined) {
    const messageId = `${r}-text`;
    yield { type: EventType.TEXT_MESSAGE_START, messageId, role: "assistant" };
    for (let i = 0; i < tokens; i++) {
      if (delay > 0) yield delay;
      yield { type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta: i === 0 ? "t0" : ` t${i}` };
    }
    yield { type: EventType.TEXT_MESSAGE_END, messageId };
    yield { type: EventType.RUN_FINISHED, threadId: input.threadId, runId: r };
    return;
  }
  if (events !== undefined) {
    const count = Math.max(0, Math.floor((events - 2) / 3));
    for (let k = 0; k < count; k++) {
      if (delay > 0) yield delay;
      const messageId = `${r}-m${k}`;
      yield { type: EventType.TEXT_MESSAGE_START, messageId, role: "assistant" };
      yield { type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta: `m${k}` };
      yield { type: EventType.TEXT_MESSAGE_END, messageId };
    }
    yield { type: EventType.RUN_FINISHED, threadId: input.threadId, runId: r };
    return;
  }
  const textId = `${r}-text`;
  const toolId = `${r}-tool`;
  yield { type: EventType.STATE_SNAPSHOT, snapshot: { step: 0, status: "started" } };
  yield { type: EventType.TEXT_MESSAGE_START, messageId: textId, role: "assistant" };
  for (const delta of ["Hello", " from", " scripted"]) yield { type: EventType.TEXT_MESSAGE_CONTENT, messageId: textId, delta };
  yield { type: EventType.TEXT_MESSAGE_END, messageId: textId };
  yield { type: EventType.TOOL_CALL_START, toolCallId: toolId, toolCallName: "scripted_tool", parentMessageId: textId };
  yield { type: EventType.TOOL_CALL_ARGS, toolCallId: toolId, delta: '{"echo":' };
  yield { type: EventType.TOOL_CALL_ARGS, toolCallId: toolId, delta: JSON.stringify(t) + "}" };
  yield { type: EventType.TOOL_CALL_END, toolCallId: toolId };
  yield { type: EventType.TOOL_CALL_RESULT, messageId: `${r}-result`, toolCallId: toolId, content: '{"ok":true}', role: "tool" };
  yield {
    type: EventType.STATE_DELTA,
    delta: [{ op: "replace", path: "/step", value: 1 }, { op: "replace", path: "/status", value: "done" }, { op: "add", path: "/echo", value: t }],
  };
  const lowered = Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  yield { type: EventType.CUSTOM, name: "scripted.headers", value: lowered };
  yield {
    type: EventType.CUSTOM,
    name: "scripted.input",
    value: {
      threadId: input.threadId, runId: r, messageIds: input.messages.map((m) => m.id), toolNames: input.tools.map((x) => x.name),
      contextCount: input.context.length, state: input.state ?? null, forwardedProps: input.forwardedProps ?? null,
    },
  };
  yield { type: EventType.RUN_FINISHED, threadId: input.threadId, runId: r };
}

class ScriptedAgent extends AbstractAgent {
  constructor() {
    super({ description: "Deterministic scripted agent (no LLM): text, a tool call, state and echoes, for tests and first runs." });
  }

  // Emits synchronously until a pause (as the C# agent, which awaits only its delays); stops quietly on unsubscribe.
  run(input) {
    return new Observable((subscriber) => {
      let stopped = false;
      let timer;
      const steps = script(input, this.headers);
      const pump = () => {
        try {
          for (let step = steps.next(); !step.done && !stopped; step = steps.next()) {
            if (typeof step.value === "number") {
              timer = setTimeout(pump, step.value);
              return;
            }
            subscriber.next(step.value);
          }
          if (!stopped) subscriber.complete();
        } catch (error) {
          subscriber.error(error);
        }
      };
      pump();
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    });
  }
}

// A JSON Schema as a Standard Schema (what defineTool takes), so no schema library is needed.
const jsonSchema = (schema) => ({
  "~standard": { version: 1, vendor: "json-schema", validate: (value) => ({ value }), jsonSchema: { input: () => schema, output: () => schema } },
});

const model = createOpenAI({ apiKey: process.env.OPENAI_API_KEY ?? "bench", baseURL: process.env.OPENAI_BASE_URL }).chat("gpt-4o");
const builtin = process.env.OFFICIAL_BUILTIN_AGENT === "1"
  ? {
      builtin: new BuiltInAgent({
        model,
        prompt: "You move money.",
        maxRetries: 0,
        maxSteps: 3,
        overridableProperties: ["temperature"],
        capabilities: { custom: { approvals: true } },
        tools: [
          defineTool({
            name: "approve_transfer",
            description: "Ask the user to approve a transfer",
            parameters: jsonSchema({ type: "object", properties: { amount: { type: "number" } }, required: ["amount"] }),
            interrupt: true,
            interruptReason: "approval",
            interruptMessage: "Approve the transfer?",
          }),
        ],
        mcpServers: process.env.OFFICIAL_MCP_URL ? [{ type: "http", url: process.env.OFFICIAL_MCP_URL }] : [],
      }),
    }
  : {};
const runtime = new CopilotRuntime({
  agents: {
    scripted: new ScriptedAgent(),
    default: new BuiltInAgent({ model, prompt: "You are a helpful assistant.", maxRetries: 0 }),
    ...builtin,
  },
  runner: new InMemoryAgentRunner(),
});
const app = createCopilotEndpoint({ runtime, basePath: "/api/copilotkit" });

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" }, (info) => {
  console.log(`Now listening on: http://127.0.0.1:${info.port}`);
});
