// The page's state lives in its URL, so that a reload reopens the same agent, thread and transport:
// ?agent=<id>&thread=<id>&transport=rest|single

export type Transport = "rest" | "single";

export interface PageState {
  agent: string | null;
  thread: string;
  transport: Transport;
}

export const restUrl = "/api/copilotkit";
export const singleRouteUrl = "/api/copilotkit-single";

export function newThreadId(): string {
  return crypto.randomUUID();
}

/** Reads the URL; a missing thread id gets a fresh one, written back without a new history entry. */
export function readPageState(): PageState {
  const params = new URLSearchParams(window.location.search);
  const state: PageState = {
    agent: params.get("agent"),
    thread: params.get("thread") || newThreadId(),
    transport: params.get("transport") === "single" ? "single" : "rest",
  };
  writePageState(state, "replace");
  return state;
}

export function writePageState(state: PageState, mode: "push" | "replace"): void {
  const params = new URLSearchParams(window.location.search);
  if (state.agent) {
    params.set("agent", state.agent);
  } else {
    params.delete("agent");
  }
  params.set("thread", state.thread);
  if (state.transport === "single") {
    params.set("transport", "single");
  } else {
    params.delete("transport");
  }
  const url = `${window.location.pathname}?${params.toString()}`;
  if (mode === "push") {
    window.history.pushState(null, "", url);
  } else {
    window.history.replaceState(null, "", url);
  }
}
