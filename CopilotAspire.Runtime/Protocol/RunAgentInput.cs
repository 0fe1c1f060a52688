using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>The body of <c>run</c> and <c>connect</c>: AG-UI's <c>RunAgentInput</c>, fields in schema order.</summary>
public sealed record RunAgentInput
{
    /// <summary>
    /// The conversation. Not empty, at most <see cref="Hosting.CopilotRuntimeOptions.MaxThreadIdLength"/> characters
    /// (256 by default), no control characters: checked (400) before a runner, and so a Redis key, sees it.
    /// </summary>
    public required string ThreadId { get; init; }
    /// <summary>The run's id, chosen by the client.</summary>
    public required string RunId { get; init; }
    /// <summary>
    /// AG-UI 1.0: the protocol version the client speaks (<c>"1.0"</c>); absent from 0.0.x clients. A run whose input
    /// names 1.0 or later gets 1.0 shapes (<see cref="AgUiProtocol"/>, wire spec §22).
    /// </summary>
    public string? ProtocolVersion { get; init; }
    /// <summary>
    /// The run this one continues, if the client names one; kept in the stored input but not given to the agent (wire
    /// spec §4.7).
    /// </summary>
    public string? ParentRunId { get; init; }
    /// <summary>Arbitrary JSON; a JSON <c>null</c> is treated as absent.</summary>
    public JsonElement? State { get; init; }
    /// <summary>
    /// The whole conversation as the client has it (may be empty). The runners store only the messages they have not
    /// seen in the thread before.
    /// </summary>
    public required IReadOnlyList<Message> Messages { get; init; }
    /// <summary>Required before AG-UI 1.0, optional since: an absent list is empty.</summary>
    public IReadOnlyList<Tool> Tools
    {
        get => _tools;
        init => _tools = value ?? []; // the serializer initializes an absent init-only property with null
    }

    /// <summary>Required before AG-UI 1.0, optional since: an absent list is empty.</summary>
    public IReadOnlyList<Context> Context
    {
        get => _context;
        init => _context = value ?? [];
    }
    /// <summary>
    /// Any JSON the client forwards to the agent (the provider's <c>properties</c> and per-run props; clients send
    /// <c>{}</c>). Passed to the agent as it is; the built-in agent reads its overridable settings from it (wire spec
    /// §19.1).
    /// </summary>
    public JsonElement? ForwardedProps { get; init; }
    /// <summary>
    /// Answers to the interrupts of the previous run (see <see cref="RunFinishedEvent.Outcome"/>);
    /// <see langword="null"/> on an ordinary run.
    /// </summary>
    public IReadOnlyList<ResumeEntry>? Resume { get; init; }

    private readonly IReadOnlyList<Tool> _tools = [];
    private readonly IReadOnlyList<Context> _context = [];

    /// <summary>The name of a list holding a <c>null</c> element (zod rejects them), or <see langword="null"/> if none does.</summary>
    public string? FindNullElement() =>
        Messages.Contains(null!) ? "messages"
        : Tools.Contains(null!) ? "tools"
        : Context.Contains(null!) ? "context"
        : Resume?.Contains(null!) == true ? "resume"
        : Messages.Any(m => m.ToolCalls?.Contains(null!) == true) ? "toolCalls"
        : null;
}
