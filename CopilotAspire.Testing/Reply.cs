namespace CopilotAspire.Testing;

/// <summary>
/// One scripted model response of <see cref="FakeOpenAiServer"/>: text deltas, reasoning deltas, tool calls with
/// argument deltas, holds and delays, usage and finish reason — or an HTTP error. Rendered in the wire format of the
/// endpoint that was called (OpenAI Chat Completions, streaming or not, or Anthropic Messages).
/// </summary>
public sealed class Reply
{
    private readonly List<ReplyPart> _parts = [];

    private Reply()
    {
    }

    internal IReadOnlyList<ReplyPart> Parts => _parts;

    /// <summary>The HTTP status of an error reply (null for a success).</summary>
    public int? ErrorStatus { get; private init; }

    public string? ErrorMessage { get; private init; }

    public string? ErrorType { get; private init; }

    public string? ErrorCode { get; private init; }

    /// <summary>Prompt tokens reported (default 10).</summary>
    public int InputTokens { get; private set; } = 10;

    /// <summary>Completion tokens reported (default 5).</summary>
    public int OutputTokens { get; private set; } = 5;

    /// <summary>The finish reason in OpenAI's words (<c>stop</c>, <c>tool_calls</c>, <c>length</c>…); inferred when null.</summary>
    public string? FinishReason { get; private set; }

    /// <summary>Whether the usage chunk is sent (default true).</summary>
    public bool IncludeUsage { get; private set; } = true;

    internal bool HasToolCalls => _parts.Exists(p => p is ToolCallPart);

    /// <summary>An empty successful reply to build on.</summary>
    public static Reply Create() => new();

    /// <summary>A text reply streamed as these deltas.</summary>
    public static Reply Text(params string[] deltas) => new Reply().ThenText(deltas);

    /// <summary>A reply that calls one tool, its arguments streamed as these deltas.</summary>
    public static Reply ToolCall(string id, string name, params string[] argumentDeltas) => new Reply().ThenToolCall(id, name, argumentDeltas);

    /// <summary>An HTTP error with an OpenAI-style (or Anthropic-style) error body.</summary>
    public static Reply Error(int status, string message, string type = "server_error", string? code = null) =>
        new() { ErrorStatus = status, ErrorMessage = message, ErrorType = type, ErrorCode = code };

    public Reply ThenText(params string[] deltas)
    {
        foreach (var delta in deltas)
        {
            _parts.Add(new TextPart(delta));
        }
        return this;
    }

    /// <summary>Reasoning deltas (Anthropic <c>thinking</c> blocks; ignored by the OpenAI format).</summary>
    public Reply ThenReasoning(params string[] deltas)
    {
        foreach (var delta in deltas)
        {
            _parts.Add(new ReasoningPart(delta));
        }
        return this;
    }

    public Reply ThenToolCall(string id, string name, params string[] argumentDeltas)
    {
        _parts.Add(new ToolCallPart(id, name, argumentDeltas));
        return this;
    }

    /// <summary>Flushes what was sent so far, signals <see cref="Gate.Reached"/> and waits for <see cref="Gate.Release"/> (or the client's abort).</summary>
    public Reply ThenHold(Gate gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        _parts.Add(new HoldPart(gate));
        return this;
    }

    /// <summary>Waits before the next part (benchmarks; tests use <see cref="ThenHold"/>).</summary>
    public Reply ThenDelay(TimeSpan delay)
    {
        _parts.Add(new DelayPart(delay));
        return this;
    }

    /// <summary>Drops the connection at this point (a provider failing mid-stream).</summary>
    public Reply ThenDisconnect()
    {
        _parts.Add(new DisconnectPart());
        return this;
    }

    public Reply WithUsage(int inputTokens, int outputTokens)
    {
        InputTokens = inputTokens;
        OutputTokens = outputTokens;
        return this;
    }

    public Reply WithoutUsage()
    {
        IncludeUsage = false;
        return this;
    }

    public Reply WithFinishReason(string finishReason)
    {
        FinishReason = finishReason;
        return this;
    }

    internal string EffectiveFinishReason => FinishReason ?? (HasToolCalls ? "tool_calls" : "stop");
}

internal abstract record ReplyPart;

internal sealed record TextPart(string Delta) : ReplyPart;

internal sealed record ReasoningPart(string Delta) : ReplyPart;

internal sealed record ToolCallPart(string Id, string Name, IReadOnlyList<string> ArgumentDeltas) : ReplyPart
{
    public string Arguments => string.Concat(ArgumentDeltas);
}

internal sealed record HoldPart(Gate Gate) : ReplyPart;

internal sealed record DelayPart(TimeSpan Delay) : ReplyPart;

internal sealed record DisconnectPart : ReplyPart;
