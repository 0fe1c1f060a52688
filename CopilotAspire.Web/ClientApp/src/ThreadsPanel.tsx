import { UseAgentUpdate, useAgent, useThreads } from "@copilotkit/react-core/v2";
import { useEffect, useRef, useState } from "react";
import { ThreadRow } from "./ThreadRow";

/** Threads per page of the list; "Load more" asks the runtime for the next page (its nextCursor). */
export const threadsPageSize = 20;

interface ThreadsPanelProps {
  agentId: string;
  activeThreadId: string;
  onSelect: (threadId: string) => void;
  onNewThread: () => void;
}

/**
 * The agent's threads, on CopilotKit's own `useThreads` (the runtime's `/threads` routes): list (paged), switch,
 * rename, archive / unarchive ("Show archived"), delete, new thread. It stands in for `CopilotThreadsDrawer`, which
 * stays locked unless the runtime reports a CopilotKit licence (docs/chat-page.md), and takes its theme variables
 * (`--cpk-drawer-*`).
 */
export function ThreadsPanel({ agentId, activeThreadId, onSelect, onNewThread }: ThreadsPanelProps) {
  const [showArchived, setShowArchived] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const threads = useThreads({ agentId, includeArchived: showArchived, limit: threadsPageSize });
  const { refetchThreads } = threads;

  // Without realtime metadata (`threadEndpoints.realtimeMetadata: false`) the list is fetched again when a run
  // starts (a new thread is listed from its first run) and when it ends (it moves to the top).
  const { agent } = useAgent({ agentId, updates: [UseAgentUpdate.OnRunStatusChanged] });
  const running = agent.isRunning;
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    refetchThreads();
  }, [running, refetchThreads]);

  const attempt = (what: string, action: Promise<void>, after?: () => void) => {
    setMessage(null);
    action.then(after, (error: unknown) => {
      setMessage(describeFailure(what, error));
      refetchThreads(); // the store rolls its optimistic change back; the runtime's list is the truth
    });
  };

  return (
    <nav className="threads-panel" data-testid="threads-panel" aria-label="Threads">
      <button type="button" className="threads-new" data-testid="new-thread" onClick={onNewThread}>
        + New thread
      </button>
      <div className="threads-heading">
        <span>Threads</span>
        <label className="threads-toggle">
          <input
            type="checkbox"
            data-testid="threads-show-archived"
            checked={showArchived}
            onChange={(e) => setShowArchived(e.target.checked)}
          />{" "}
          Show archived
        </label>
      </div>
      {message && (
        <div className="threads-message" role="alert" data-testid="threads-message">
          {message}{" "}
          <button type="button" className="link" onClick={() => setMessage(null)}>
            dismiss
          </button>
        </div>
      )}
      {threads.error && (
        <div className="threads-message" role="alert" data-testid="threads-error">
          {threads.error.message}{" "}
          <button type="button" className="link" onClick={refetchThreads}>
            retry
          </button>
        </div>
      )}
      {threads.isLoading && threads.threads.length === 0 && <div className="threads-empty">Loading…</div>}
      {!threads.isLoading && !threads.error && threads.threads.length === 0 && (
        <div className="threads-empty" data-testid="threads-empty">
          No threads yet
        </div>
      )}
      <ul className="threads-list" data-testid="threads-list">
        {threads.threads.map((thread) => (
          <ThreadRow
            key={thread.id}
            thread={thread}
            active={thread.id === activeThreadId}
            onSelect={() => onSelect(thread.id)}
            onRename={(name) => attempt("Rename", threads.renameThread(thread.id, name))}
            onArchive={() => attempt("Archive", threads.archiveThread(thread.id))}
            onUnarchive={() => attempt("Unarchive", threads.unarchiveThread(thread.id))}
            onDelete={() =>
              attempt("Delete", threads.deleteThread(thread.id), () => {
                if (thread.id === activeThreadId) {
                  onNewThread();
                }
              })
            }
          />
        ))}
      </ul>
      {threads.fetchMoreError && (
        <div className="threads-message" role="alert">
          {threads.fetchMoreError.message}
        </div>
      )}
      {threads.hasMoreThreads && (
        <button
          type="button"
          className="threads-more"
          data-testid="threads-load-more"
          disabled={threads.isFetchingMoreThreads}
          onClick={threads.fetchMoreThreads}
        >
          {threads.isFetchingMoreThreads ? "Loading…" : "Load more"}
        </button>
      )}
    </nav>
  );
}

/**
 * CopilotKit's thread store rejects a failed mutation with `Request failed: <status>`; a 409 on delete is the
 * runtime's `thread_running` (a run is in progress on the thread: stop it first).
 */
function describeFailure(what: string, error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (what === "Delete" && /\b409\b/.test(text)) {
    return "This thread has a run in progress (thread_running): stop the run, then delete the thread.";
  }
  if (/\b404\b/.test(text)) {
    return `${what} failed: the thread no longer exists.`;
  }
  return `${what} failed: ${text}`;
}
