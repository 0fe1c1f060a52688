import { useAgent } from "@copilotkit/react-core/v2";

/** The agent's shared state (STATE_SNAPSHOT / STATE_DELTA), in a collapsible panel. */
export function StatePanel({ agentId }: { agentId: string }) {
  const { agent } = useAgent({ agentId });
  const state: unknown = agent.state;
  const empty = state == null || (typeof state === "object" && Object.keys(state).length === 0);
  return (
    <details className="state-panel" data-testid="state-panel">
      <summary>Agent state</summary>
      <pre data-testid="state-json">{empty ? "(none yet)" : JSON.stringify(state, null, 2)}</pre>
    </details>
  );
}
