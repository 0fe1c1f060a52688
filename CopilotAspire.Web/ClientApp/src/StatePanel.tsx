import { useAgent } from "@copilotkit/react-core/v2";

/** Whether the agent is running, and its shared state (STATE_SNAPSHOT / STATE_DELTA) in a collapsible panel. */
export function StatePanel({ agentId }: { agentId: string }) {
  const { agent } = useAgent({ agentId });
  const state: unknown = agent.state;
  const empty = state == null || (typeof state === "object" && Object.keys(state).length === 0);
  return (
    <details className="state-panel" data-testid="state-panel">
      <summary>
        Agent state{" "}
        <span className={agent.isRunning ? "run-status running" : "run-status"} data-testid="run-status">
          {agent.isRunning ? "running" : "idle"}
        </span>
      </summary>
      <pre data-testid="state-json">{empty ? "(none yet)" : JSON.stringify(state, null, 2)}</pre>
    </details>
  );
}
