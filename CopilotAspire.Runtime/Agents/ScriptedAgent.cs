using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Agents;

/// <summary>
/// A deterministic agent with no LLM (wire behaviour: <c>docs/spec/scripted-agent.md</c> §1.2). Its script is chosen by
/// the text of the last user message: by default a text message, a tool call with its result, state snapshot and
/// delta, and two <c>CUSTOM</c> events echoing what it received; <c>error…</c>, <c>throw…</c>,
/// <c>tokens:N [delay:MS]</c> and <c>events:E [delay:MS]</c> select the other scripts. Ids derive from the run id,
/// so runs are reproducible. On stop it stops emitting and completes without a terminal event.
/// </summary>
public sealed partial class ScriptedAgent : AbstractAgent
{
    /// <summary>
    /// The largest <c>tokens:N</c> a script may ask for; a larger one ends the run with <c>RUN_ERROR</c>
    /// <c>SCRIPTED_LIMIT</c>.
    /// </summary>
    public const int MaxTokens = 100_000;
    /// <summary>
    /// The largest <c>delay:MS</c> a script may ask for, in milliseconds; a larger one ends the run with
    /// <c>RUN_ERROR</c> <c>SCRIPTED_LIMIT</c>.
    /// </summary>
    public const int MaxDelayMs = 10_000;
    /// <summary>
    /// The largest <c>events:E</c> a script may ask for; a larger one ends the run with <c>RUN_ERROR</c>
    /// <c>SCRIPTED_LIMIT</c>.
    /// </summary>
    public const int MaxEvents = 1_000_000;

    /// <summary>An agent with the default description; it needs no key and no configuration.</summary>
    public ScriptedAgent()
    {
        Description = "Deterministic scripted agent (no LLM): text, a tool call, state and echoes, for tests and first runs.";
    }

    private ScriptedAgent(ScriptedAgent source) : base(source)
    {
    }

    /// <inheritdoc/>
    public override AbstractAgent Clone() => new ScriptedAgent(this);

    /// <inheritdoc/>
    public override async IAsyncEnumerable<AgUiEvent> RunAsync(RunAgentInput input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var t = input.Messages.LastOrDefault(m => m.Role == MessageRoles.User)?.Text ?? "";
        var r = input.RunId;
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = r };

        if (StartsWithWord(t, "error"))
        {
            yield return new RunErrorEvent { Message = "Scripted error", Code = "SCRIPTED_ERROR" };
            yield break;
        }
        if (StartsWithWord(t, "throw"))
        {
            throw new InvalidOperationException("Scripted failure");
        }

        var delay = Directive(DelayPattern(), t);
        var tokens = Directive(TokensPattern(), t);
        var events = Directive(EventsPattern(), t);
        if (tokens > MaxTokens || events > MaxEvents || delay > MaxDelayMs)
        {
            yield return new RunErrorEvent
            {
                Message = $"Scripted directive out of range (tokens ≤ {MaxTokens}, events ≤ {MaxEvents}, delay ≤ {MaxDelayMs}).",
                Code = "SCRIPTED_LIMIT",
            };
            yield break;
        }

        if (tokens is { } n)
        {
            var messageId = r + "-text";
            yield return new TextMessageStartEvent { MessageId = messageId, Role = "assistant" };
            for (var i = 0; i < n; i++)
            {
                await PauseAsync(delay, cancellationToken);
                yield return new TextMessageContentEvent { MessageId = messageId, Delta = i == 0 ? "t0" : $" t{i}" };
            }
            yield return new TextMessageEndEvent { MessageId = messageId };
            yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = r };
            yield break;
        }

        if (events is { } e)
        {
            var count = Math.Max(0, (e - 2) / 3);
            for (var k = 0; k < count; k++)
            {
                await PauseAsync(delay, cancellationToken);
                var messageId = $"{r}-m{k}";
                yield return new TextMessageStartEvent { MessageId = messageId, Role = "assistant" };
                yield return new TextMessageContentEvent { MessageId = messageId, Delta = $"m{k}" };
                yield return new TextMessageEndEvent { MessageId = messageId };
            }
            yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = r };
            yield break;
        }

        foreach (var scripted in DefaultScript(input, t, r))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return scripted;
        }
    }

    private IEnumerable<AgUiEvent> DefaultScript(RunAgentInput input, string t, string r)
    {
        var textId = r + "-text";
        var toolId = r + "-tool";
        yield return new StateSnapshotEvent { Snapshot = AgUiJson.Parse("""{"step":0,"status":"started"}""") };
        yield return new TextMessageStartEvent { MessageId = textId, Role = "assistant" };
        yield return new TextMessageContentEvent { MessageId = textId, Delta = "Hello" };
        yield return new TextMessageContentEvent { MessageId = textId, Delta = " from" };
        yield return new TextMessageContentEvent { MessageId = textId, Delta = " scripted" };
        yield return new TextMessageEndEvent { MessageId = textId };
        yield return new ToolCallStartEvent { ToolCallId = toolId, ToolCallName = "scripted_tool", ParentMessageId = textId };
        yield return new ToolCallArgsEvent { ToolCallId = toolId, Delta = "{\"echo\":" };
        yield return new ToolCallArgsEvent { ToolCallId = toolId, Delta = JsonString(t) + "}" };
        yield return new ToolCallEndEvent { ToolCallId = toolId };
        yield return new ToolCallResultEvent { MessageId = r + "-result", ToolCallId = toolId, Content = "{\"ok\":true}", Role = "tool" };
        yield return new StateDeltaEvent
        {
            Delta = AgUiJson.Parse($$"""[{"op":"replace","path":"/step","value":1},{"op":"replace","path":"/status","value":"done"},{"op":"add","path":"/echo","value":{{JsonString(t)}}}]"""),
        };
        yield return new CustomEvent { Name = "scripted.headers", Value = HeadersValue() };
        yield return new CustomEvent { Name = "scripted.input", Value = InputValue(input) };
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = r };
    }

    private JsonElement HeadersValue()
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in Headers)
        {
            headers.TryAdd(name.ToLowerInvariant(), value);
        }
        return JsonSerializer.SerializeToElement(headers, AgUiJson.Context.DictionaryStringString);
    }

    private static JsonElement InputValue(RunAgentInput input)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = AgUiJson.Options.Encoder }))
        {
            w.WriteStartObject();
            w.WriteString("threadId", input.ThreadId);
            w.WriteString("runId", input.RunId);
            w.WriteStartArray("messageIds");
            foreach (var m in input.Messages)
            {
                w.WriteStringValue(m.Id);
            }
            w.WriteEndArray();
            w.WriteStartArray("toolNames");
            foreach (var tool in input.Tools)
            {
                w.WriteStringValue(tool.Name);
            }
            w.WriteEndArray();
            w.WriteNumber("contextCount", input.Context.Count);
            WriteOrNull(w, "state", input.State);
            WriteOrNull(w, "forwardedProps", input.ForwardedProps);
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.ToArray());
        return doc.RootElement.Clone();
    }

    private static void WriteOrNull(Utf8JsonWriter w, string name, JsonElement? value)
    {
        w.WritePropertyName(name);
        if (value is { } v)
        {
            v.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    private static string JsonString(string value) => JsonSerializer.Serialize(value, AgUiJson.Context.String);

    private static bool StartsWithWord(string text, string word) =>
        text.StartsWith(word, StringComparison.Ordinal) && (text.Length == word.Length || !char.IsLetterOrDigit(text[word.Length]));

    private static int? Directive(Regex pattern, string text) =>
        pattern.Match(text) is { Success: true } m && long.TryParse(m.Groups[1].ValueSpan, out var v) ? (int)Math.Min(v, int.MaxValue) : null;

    /// <summary>The scripted delay, or (none) only a cancellation check: no state machine per token.</summary>
    private static ValueTask PauseAsync(int? delayMs, CancellationToken cancellationToken)
    {
        if (delayMs is > 0)
        {
            return new ValueTask(Task.Delay(delayMs.Value, cancellationToken));
        }
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"\btokens:(\d+)")]
    private static partial Regex TokensPattern();

    [GeneratedRegex(@"\bevents:(\d+)")]
    private static partial Regex EventsPattern();

    [GeneratedRegex(@"\bdelay:(\d+)")]
    private static partial Regex DelayPattern();
}
