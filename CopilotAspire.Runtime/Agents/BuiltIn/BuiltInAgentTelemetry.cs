namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>Telemetry names of <see cref="BuiltInAgent"/>'s model calls (register them with OpenTelemetry).</summary>
public static class BuiltInAgentTelemetry
{
    /// <summary>
    /// The <c>ActivitySource</c> and <c>Meter</c> name of the chat client pipeline: model calls are <c>gen_ai</c>
    /// spans (<c>chat gpt-4o</c>) and <c>gen_ai.client.*</c> metrics (Microsoft.Extensions.AI's OpenTelemetry support).
    /// </summary>
    public const string SourceName = "CopilotAspire.Runtime.Chat";
}
