import { restUrl, singleRouteUrl, type Transport } from "./pageUrl";

export interface AgentInfo {
  name: string;
  description?: string;
}

export interface RuntimeInfo {
  version: string;
  agents: Record<string, AgentInfo>;
  audioFileTranscriptionEnabled: boolean;
}

/** The runtime's /info, through the transport the page uses (GET {base}/info, or the single route's "info" envelope). */
export async function fetchRuntimeInfo(transport: Transport, signal: AbortSignal): Promise<RuntimeInfo> {
  const response =
    transport === "single"
      ? await fetch(singleRouteUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ method: "info" }),
          signal,
        })
      : await fetch(`${restUrl}/info`, { signal });
  if (!response.ok) {
    throw new Error(`The runtime's /info answered ${response.status} ${response.statusText}`);
  }
  return (await response.json()) as RuntimeInfo;
}

/** The agent the page opens with: the URL's, if the runtime has it; else "scripted" (keyless); else the first. */
export function pickAgent(info: RuntimeInfo, requested: string | null): string | null {
  const ids = Object.keys(info.agents);
  if (requested && ids.includes(requested)) {
    return requested;
  }
  if (ids.includes("scripted")) {
    return "scripted";
  }
  return ids[0] ?? null;
}
