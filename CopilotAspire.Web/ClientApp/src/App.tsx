import { CopilotChat, CopilotKitProvider } from "@copilotkit/react-core/v2";
import { useCallback, useEffect, useRef, useState } from "react";
import { ErrorList, type PageError } from "./ErrorList";
import { newThreadId, readPageState, restUrl, singleRouteUrl, writePageState, type PageState, type Transport } from "./pageUrl";
import { fetchRuntimeInfo, pickAgent, type RuntimeInfo } from "./runtimeInfo";
import { StatePanel } from "./StatePanel";
import { useScriptedToolCard } from "./ToolCallCard";

type ProviderError = { error: Error; code: string };

export function App() {
  const [page, setPage] = useState<PageState>(readPageState);
  const [info, setInfo] = useState<RuntimeInfo | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const [errors, setErrors] = useState<PageError[]>([]);
  const errorIds = useRef(0);

  const navigate = useCallback((next: PageState, mode: "push" | "replace" = "push") => {
    writePageState(next, mode);
    setPage(next);
    setErrors([]);
  }, []);

  // Back/forward restores the agent, thread and transport from the URL.
  useEffect(() => {
    const onPopState = () => setPage(readPageState());
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  // The agent picker is filled from the runtime's /info; the URL's ?agent= wins if the runtime has it.
  useEffect(() => {
    const abort = new AbortController();
    fetchRuntimeInfo(page.transport, abort.signal).then(
      (loaded) => {
        setInfo(loaded);
        setInfoError(null);
        setPage((current) => {
          const agent = pickAgent(loaded, current.agent);
          if (agent === current.agent) {
            return current;
          }
          const next = { ...current, agent };
          writePageState(next, "replace");
          return next;
        });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) {
          setInfoError(error instanceof Error ? error.message : String(error));
        }
      },
    );
    return () => abort.abort();
  }, [page.transport]);

  const onError = useCallback(({ error, code }: ProviderError) => {
    const id = ++errorIds.current;
    setErrors((current) => [...current.slice(-4), { id, code, message: error.message }]);
  }, []);

  const agentIds = info ? Object.keys(info.agents) : [];
  const agent = info ? page.agent : null;
  const single = page.transport === "single";

  return (
    <div className="page">
      <header className="toolbar">
        <h1>CopilotAspire</h1>
        <label>
          Agent{" "}
          <select
            data-testid="agent-picker"
            value={agent ?? ""}
            disabled={agentIds.length === 0}
            onChange={(e) => navigate({ ...page, agent: e.target.value, thread: newThreadId() })}
          >
            {agentIds.map((id) => (
              <option key={id} value={id} title={info?.agents[id]?.description}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <button type="button" data-testid="new-thread" onClick={() => navigate({ ...page, thread: newThreadId() })}>
          New thread
        </button>
        <label title="useSingleEndpoint: every call is one POST to /api/copilotkit-single">
          <input
            type="checkbox"
            data-testid="single-route"
            checked={single}
            onChange={(e) => navigate({ ...page, transport: (e.target.checked ? "single" : "rest") as Transport })}
          />{" "}
          Single route
        </label>
        <span className="thread" data-testid="thread-id" title="The thread id; reload the page to reconnect to it">
          thread {page.thread}
        </span>
      </header>
      {infoError && (
        <div className="errors" role="alert" data-testid="info-error">
          {infoError}
        </div>
      )}
      <ErrorList errors={errors} onDismiss={() => setErrors([])} />
      {agent && (
        <CopilotKitProvider
          key={page.transport}
          runtimeUrl={single ? singleRouteUrl : restUrl}
          useSingleEndpoint={single}
          agentId={agent}
          onError={onError}
          enableInspector={false}
        >
          <Chat key={`${agent}/${page.thread}`} agentId={agent} threadId={page.thread} />
        </CopilotKitProvider>
      )}
    </div>
  );
}

function Chat({ agentId, threadId }: { agentId: string; threadId: string }) {
  useScriptedToolCard();
  return (
    <main className="chat">
      <StatePanel agentId={agentId} />
      <CopilotChat agentId={agentId} threadId={threadId} className="chat-view" />
    </main>
  );
}
