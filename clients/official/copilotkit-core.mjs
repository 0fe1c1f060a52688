// Runs one scenario with CopilotKit's own client core (@copilotkit/core, what @copilotkit/react-core uses):
// /info discovery with the chosen transport, then the proxied agent's run, connect or stop. Prints one JSON line.
// Usage: node copilotkit-core.mjs <scenario> <runtimeUrl> <transport: rest|single|auto> <agentId> <threadId> [text]
const [scenario, runtimeUrl, transport, agentId, threadId, text = "hello from copilotkit"] = process.argv.slice(2);

// The core connects to the runtime only in a browser (it skips it under SSR, when `window` is undefined).
// A page on the runtime's origin is all it reads of `window`.
globalThis.window ??= { location: new URL(runtimeUrl), addEventListener() {}, removeEventListener() {} };
const { CopilotKitCore } = await import("@copilotkit/core");

function connected(core) {
  return new Promise((resolve, reject) => {
    const check = (status) => {
      if (status === "connected") resolve();
      if (status === "error") reject(new Error("runtime connection failed"));
    };
    core.subscribe({ onRuntimeConnectionStatusChanged: ({ status }) => check(status) });
    check(core.runtimeConnectionStatus);
  });
}

async function coreWithAgent() {
  const core = new CopilotKitCore({ runtimeUrl, runtimeTransport: transport, headers: { "X-Harness": "copilotkit-core" } });
  await connected(core);
  const agent = core.getAgent(agentId);
  if (!agent) throw new Error(`agent ${agentId} not in /info: ${Object.keys(core.agents).join(", ")}`);
  agent.threadId = threadId;
  return { core, agent };
}

function describe(core, agent, extra = {}) {
  return {
    runtimeVersion: core.runtimeVersion ?? null,
    agents: Object.keys(core.agents),
    audioFileTranscriptionEnabled: core.audioFileTranscriptionEnabled,
    messages: agent.messages,
    state: agent.state,
    ...extra,
  };
}

async function main() {
  switch (scenario) {
    case "run": {
      const { core, agent } = await coreWithAgent();
      agent.addMessage({ id: `u-${Date.now()}`, role: "user", content: text });
      await core.runAgent({ agent });
      return describe(core, agent);
    }
    case "connect": {
      const { core, agent } = await coreWithAgent();
      await core.connectAgent({ agent });
      return describe(core, agent);
    }
    case "stop": {
      const { core, agent } = await coreWithAgent();
      agent.addMessage({ id: `u-${Date.now()}`, role: "user", content: text });
      let stopped = false;
      agent.subscribe({
        onTextMessageContentEvent() {
          if (!stopped) {
            stopped = true;
            core.stopAgent({ agent });
          }
        },
      });
      await core.runAgent({ agent });
      return describe(core, agent, { stopped });
    }
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

main().then(
  (out) => {
    // The core keeps timers alive; exit once the line is flushed.
    process.stdout.write(JSON.stringify({ ok: true, ...out }) + "\n", () => process.exit(0));
  },
  (err) => {
    process.stdout.write(JSON.stringify({ ok: false, error: String(err?.stack ?? err) }) + "\n", () => process.exit(1));
  },
);
