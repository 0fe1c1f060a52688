import type { useThreads } from "@copilotkit/react-core/v2";
import { useRef, useState } from "react";

type Thread = ReturnType<typeof useThreads>["threads"][number];

interface ThreadRowProps {
  thread: Thread;
  active: boolean;
  onSelect: () => void;
  onRename: (name: string) => void;
  onArchive: () => void;
  onUnarchive: () => void;
  onDelete: () => void;
}

/** One thread in the panel: its name (or "Untitled") and id, and rename / archive / delete (delete asks first). */
export function ThreadRow({ thread, active, onSelect, onRename, onArchive, onUnarchive, onDelete }: ThreadRowProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");
  const [confirming, setConfirming] = useState(false);
  const editEnded = useRef(false); // Enter, Escape and the blur that may follow end one edit once
  const classes = ["thread-row", active ? "active" : "", thread.archived ? "archived" : ""].filter(Boolean).join(" ");

  const endEdit = (keep: boolean) => {
    if (editEnded.current) {
      return;
    }
    editEnded.current = true;
    setEditing(false);
    if (!keep) {
      return;
    }
    const name = draft.trim();
    if (name !== (thread.name ?? "")) {
      onRename(name);
    }
  };

  return (
    <li
      className={classes}
      data-testid="thread-row"
      data-thread-id={thread.id}
      data-archived={thread.archived}
      aria-current={active ? "true" : undefined}
    >
      {editing ? (
        <input
          className="thread-rename-input"
          data-testid="thread-rename-input"
          aria-label="Thread name"
          value={draft}
          autoFocus
          maxLength={256}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => endEdit(true)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              endEdit(true);
            } else if (e.key === "Escape") {
              endEdit(false);
            }
          }}
        />
      ) : (
        <button type="button" className="thread-open" data-testid="thread-open" title={thread.id} onClick={onSelect}>
          <span className={thread.name ? "thread-name" : "thread-name placeholder"} data-testid="thread-name">
            {thread.name ?? "Untitled"}
          </span>
          <span className="thread-meta">
            {thread.archived ? "archived · " : ""}
            {thread.id.slice(0, 8)}
          </span>
        </button>
      )}
      <span className="thread-actions">
        <button
          type="button"
          data-testid="thread-rename"
          title="Rename"
          onClick={() => {
            setDraft(thread.name ?? "");
            editEnded.current = false;
            setEditing(true);
          }}
        >
          Rename
        </button>
        {thread.archived ? (
          <button type="button" data-testid="thread-unarchive" title="Unarchive" onClick={onUnarchive}>
            Unarchive
          </button>
        ) : (
          <button type="button" data-testid="thread-archive" title="Archive" onClick={onArchive}>
            Archive
          </button>
        )}
        <button type="button" className="danger" data-testid="thread-delete" title="Delete" onClick={() => setConfirming(true)}>
          Delete
        </button>
      </span>
      {confirming && (
        <span className="thread-confirm" role="group" aria-label="Delete this thread?">
          Delete this thread and its messages?{" "}
          <button
            type="button"
            className="danger"
            data-testid="thread-delete-confirm"
            onClick={() => {
              setConfirming(false);
              onDelete();
            }}
          >
            Delete
          </button>
          <button type="button" data-testid="thread-delete-cancel" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      )}
    </li>
  );
}
