// The thread list as CopilotKit's React threads drawer drives it (useThreads / CopilotThreadsDrawer): @copilotkit/core's
// own thread store (ɵcreateThreadStore) on the core's runtime fetch, which on the single route wraps each request in a
// resource/request envelope. Runs two threads through the core, then lists, renames, archives, unarchives and deletes.
// Usage: node threads.mjs <runtimeUrl> <transport: rest|single> <agentId> <user> — prints one JSON line.
const [runtimeUrl, transport, agentId, user] = process.argv.slice(2);

globalThis.window ??= { location: new URL(runtimeUrl), addEventListener() {}, removeEventListener() {} };
const { CopilotKitCore, ɵcreateThreadStore } = await import("@copilotkit/core");

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

// The store is a redux-like state; wait (polling its state, bounded) until it has settled on what we expect.
async function settled(store, predicate, what) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const state = store.getState();
    if (!state.isLoading && predicate(state)) return state;
    if (Date.now() > deadline) throw new Error(`thread store never reached ${what}: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const list = (state) => state.threads.map(({ id, name, archived, agentId }) => ({ id, name: name ?? null, archived, agentId }));

async function main() {
  const core = new CopilotKitCore({ runtimeUrl, runtimeTransport: transport, headers: { "x-user": user } });
  await connected(core);
  const threadIds = [`${user}-a-${Date.now()}`, `${user}-b-${Date.now()}`];
  for (const threadId of threadIds) {
    const agent = core.getAgent(agentId);
    agent.threadId = threadId;
    agent.messages = [];
    agent.addMessage({ id: `${threadId}-u`, role: "user", content: `hello ${threadId}` });
    await core.runAgent({ agent });
  }

  const store = ɵcreateThreadStore({ fetch: core.ɵruntimeFetch });
  store.start();
  store.setContext({ runtimeUrl: core.runtimeUrl, headers: { ...core.headers }, agentId, includeArchived: true, limit: 1 });
  const steps = {};
  // limit 1: the first page holds one thread; the next page (the cursor) the other.
  steps.firstPage = list(await settled(store, (s) => s.threads.length === 1 && s.nextCursor, "its first page"));
  store.fetchNextPage();
  steps.bothPages = list(await settled(store, (s) => s.threads.length === 2 && !s.isFetchingNextPage, "both pages"));

  // From here on one page holds both.
  store.setContext({ runtimeUrl: core.runtimeUrl, headers: { ...core.headers }, agentId, includeArchived: true, limit: 10 });
  await settled(store, (s) => s.threads.length === 2 && !s.nextCursor, "a page of both");
  const refetch = async (predicate, what) => {
    store.refetchThreads();
    return list(await settled(store, predicate, what));
  };
  await store.renameThread(threadIds[0], "Renamed by the drawer");
  steps.renamed = await refetch((s) => s.threads.some((t) => t.name === "Renamed by the drawer"), "the rename");
  await store.archiveThread(threadIds[1]);
  steps.archived = await refetch((s) => s.threads.some((t) => t.id === threadIds[1] && t.archived), "the archive");
  await store.unarchiveThread(threadIds[1]);
  steps.unarchived = await refetch((s) => s.threads.some((t) => t.id === threadIds[1] && !t.archived), "the unarchive");
  await store.deleteThread(threadIds[0]);
  steps.deleted = await refetch((s) => !s.threads.some((t) => t.id === threadIds[0]), "the delete");
  store.stop();
  return { threadIds, threadEndpoints: core.threadEndpoints ?? null, steps };
}

main().then(
  (result) => {
    console.log(JSON.stringify({ ok: true, ...result }));
    process.exit(0);
  },
  (error) => {
    console.log(JSON.stringify({ ok: false, error: String(error?.stack ?? error) }));
    process.exit(1);
  },
);
