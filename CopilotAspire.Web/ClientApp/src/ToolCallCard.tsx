import { useRenderTool } from "@copilotkit/react-core/v2";
import { z } from "zod";

const scriptedToolParameters = z.object({ echo: z.string() });

/** Renders the scripted agent's `scripted_tool` call and its result as a small card in the chat. */
export function useScriptedToolCard(): void {
  useRenderTool(
    {
      name: "scripted_tool",
      parameters: scriptedToolParameters,
      render: ({ status, parameters, result }) => (
        <div className="tool-card" data-testid="tool-card" data-status={status}>
          <div className="tool-card-title">
            <span className="tool-card-name">scripted_tool</span>
            <span className="tool-card-status">{status === "complete" ? "done" : status}</span>
          </div>
          <div className="tool-card-row">
            echo: <code data-testid="tool-card-echo">{parameters?.echo ?? ""}</code>
          </div>
          {status === "complete" && (
            <div className="tool-card-row">
              result: <code data-testid="tool-card-result">{result}</code>
            </div>
          )}
        </div>
      ),
    },
    [],
  );
}
