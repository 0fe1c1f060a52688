import type { useThreads } from "@copilotkit/react-core/v2";
import { useState } from "react";

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

/** One thread in the panel: its name (or "Untitled" and its id), and rename / archive / delete. */
export function ThreadRow({ thread, active, onSelect, onRename, onArchive, onUnarchive, onDelete }: ThreadRowProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");
  const classes = ["thread-row", active ? "active" : "", thread.archived ? "archived" : ""].filter(Boolean).join(" ");

  const save = () => {
    setEditing(false);
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
          onBlur={save}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              save();
            } else if (e.key === "Escape") {
              setEditing(false);
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
        <button type="button" className="danger" data-testid="thread-delete" title="Delete" onClick={onDelete}>
          Delete
        </button>
      </span>
    </li>
  );
}
