using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using StreamingChatCompletionUpdate = OpenAI.Chat.StreamingChatCompletionUpdate;
using StreamingChatToolCallUpdate = OpenAI.Chat.StreamingChatToolCallUpdate;

namespace CopilotAspire.Runtime.Agents;

/// <summary>
/// One run of a <see cref="BuiltInAgent"/>: the model-call loop (run server tools, stop on client tools, up to
/// <see cref="BasicAgentSettings.MaxSteps"/>) and the mapping of the model's stream to AG-UI events (wire spec §10.4).
/// The tool loop is ours rather than <c>FunctionInvokingChatClient</c>'s, which skips server tools when one response
/// also calls a client tool.
/// </summary>
internal sealed class BuiltInAgentRun
{
    private readonly RunAgentInput _input;
    private readonly BasicAgentOptions _options;
    private readonly ModelBindings _models;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ILogger _logger;
    private readonly RunSettings _settings;
    private ModelBinding _model;
    private AgentTools _tools;
    private readonly List<AgUiEvent> _pending = new(4);

    // The AI SDK mints a message id at stream start and replaces it at each text-start; tool calls point at it.
    private string _messageId = NewId();
    private bool _textOpen;
    private string? _reasoningId;
    private bool _stateEmitted;

    // Per step (providers may reuse ids such as call_0 in every response): the provider ids of tool calls whose START
    // was streamed from deltas (OpenAI-compatible providers), by stream index; the calls announced, by provider id;
    // and the AG-UI id of each provider id.
    private readonly Dictionary<int, string> _streamedCallIds = [];
    private readonly Dictionary<string, StreamedCall> _streamedCalls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _toolCallIds = new(StringComparer.Ordinal);

    // Per run: the AG-UI tool call ids used so far (unique within the run: the client keys tool calls by id), and
    // those started but not ended.
    private readonly HashSet<string> _usedToolCallIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _openToolCalls = new(StringComparer.Ordinal);

    private UsageDetails? _usage;
    private ChatFinishReason? _finishReason;

    // The interrupt tools called in this run, by AG-UI tool call id (wire spec §19.3).
    private readonly List<(string ToolCallId, InterruptToolOptions Tool)> _interrupts = [];

    public BuiltInAgentRun(RunAgentInput input, BasicAgentOptions options, ModelBindings models, ILoggerFactory? loggerFactory, ILogger logger)
    {
        _input = input;
        _options = options;
        _models = models;
        _loggerFactory = loggerFactory;
        _logger = logger;
        _settings = RunSettings.From(options, input.ForwardedProps);
        _model = models.Default;
        _tools = new AgentTools(input.Tools, options.Tools, options.InterruptTools);
    }

    public async IAsyncEnumerable<AgUiEvent> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new RunStartedEvent { ThreadId = _input.ThreadId, RunId = _input.RunId };

        string? invalidOverride = null;
        try
        {
            _model = _models.For(_settings);
        }
        catch (ArgumentException ex)
        {
            invalidOverride = ex.Message;
        }
        if (invalidOverride is not null)
        {
            yield return Error(invalidOverride);
            yield break;
        }
        var model = _model.Resolve();
        if (model.Client is not { } client)
        {
            BuiltInAgentLog.ModelUnavailable(_logger, _input.ThreadId, _input.RunId, model.Error ?? "");
            yield return Error(model.Error ?? "The model is not available.");
            yield break;
        }

        List<ChatMessage> messages;
        string? invalidInput = null;
        try
        {
            messages = ModelInput.BuildMessages(_input, _options);
        }
        catch (Exception ex) when (ex is FormatException or UriFormatException or ArgumentException)
        {
            messages = [];
            invalidInput = $"Invalid message content: {ex.Message}";
        }
        if (invalidInput is not null)
        {
            yield return Error(invalidInput);
            yield break;
        }
        InterruptTools.AppendResumeResults(messages, _input.Resume);

        var stopped = false;
        string? failure = null;
        McpToolSession? mcp = null;
        try
        {
            mcp = await McpToolSession.OpenAsync(_options, _loggerFactory, _logger, _input.ThreadId, _input.RunId, cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            stopped = true;
        }
#pragma warning disable CA1031 // A failing user-managed MCP client fails the run, as officially.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex.Message;
        }
        await using var mcpTools = mcp;
        if (mcp is { Tools.Count: > 0 })
        {
            _tools = new AgentTools(_input.Tools, _options.Tools, _options.InterruptTools, mcp.Tools);
        }

        var chatOptions = _settings.ToChatOptions(_tools.All);
        var maxSteps = Math.Max(1, _options.MaxSteps);

        for (var step = 1; step <= maxSteps && !stopped && failure is null; step++)
        {
            _textOpen = false;
            _streamedCallIds.Clear();
            _streamedCalls.Clear();
            _toolCallIds.Clear();
            var updates = new List<ChatResponseUpdate>();
            var calls = new List<FunctionCallContent>();

            await using (var stream = client.GetStreamingResponseAsync(messages, chatOptions, cancellationToken).GetAsyncEnumerator(cancellationToken))
            {
                while (true)
                {
                    try
                    {
                        if (!await stream.MoveNextAsync())
                        {
                            break;
                        }
                    }
                    catch (Exception) when (cancellationToken.IsCancellationRequested)
                    {
                        // Stopped: however the aborted HTTP call surfaces (cancellation, I/O, disposal).
                        stopped = true;
                        break;
                    }
#pragma warning disable CA1031 // A provider failure of any kind becomes RUN_ERROR.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        failure = ProviderErrors.Describe(ex, model.Secret);
                        BuiltInAgentLog.ModelCallFailed(_logger, _input.ThreadId, _input.RunId, ProviderErrors.TypeName(ex), failure);
                        break;
                    }

                    updates.Add(stream.Current);
                    Map(stream.Current, calls);
                    foreach (var e in _pending)
                    {
                        yield return e;
                    }
                    _pending.Clear();
                }
            }

            if (stopped || failure is not null)
            {
                break;
            }

            CloseReasoning();
            messages.AddMessages(updates);
            if (calls.Count == 0)
            {
                break;
            }

            var results = new List<AIContent>();
            var clientCalls = false;
            foreach (var call in calls)
            {
                if (!_tools.IsServerTool(call.Name))
                {
                    clientCalls = true;
                    if (_tools.GetInterruptTool(call.Name) is { } interrupt)
                    {
                        _interrupts.Add((ToolCallId(call.CallId), interrupt));
                    }
                    continue;
                }
                if (cancellationToken.IsCancellationRequested)
                {
                    stopped = true;
                    break;
                }
                object? output;
                try
                {
                    output = await InvokeServerToolAsync(call, cancellationToken);
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    stopped = true;
                    break;
                }
#pragma warning disable CA1031 // A failing tool is reported to the model, as the AI SDK does.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    BuiltInAgentLog.ToolFailed(_logger, call.Name, _input.ThreadId, _input.RunId, ex);
                    results.Add(new FunctionResultContent(call.CallId, $"Error: {ex.Message}") { Exception = ex });
                    continue;
                }
                results.Add(new FunctionResultContent(call.CallId, ModelOutput(call.Name, output)));
                foreach (var e in _pending)
                {
                    yield return e;
                }
                _pending.Clear();
                yield return new ToolCallResultEvent
                {
                    ToolCallId = ToolCallId(call.CallId),
                    MessageId = NewId(),
                    Role = MessageRoles.Tool,
                    Content = AgentTools.Stringify(output),
                };
            }

            // A client tool call ends the run: the client runs it and starts a follow-up run with the result.
            if (stopped || clientCalls)
            {
                break;
            }
            messages.Add(new ChatMessage(ChatRole.Tool, results));
        }

        CloseReasoning();
        foreach (var e in _pending)
        {
            yield return e;
        }
        _pending.Clear();

        if (stopped)
        {
            // As the official agent on abort: the open text message is closed (by chunk expansion) and the run finishes.
            // A tool call left open mid-stream is closed by the runtime's finalizer instead, which also gives it a result.
            if (_openToolCalls.Count == 0)
            {
                yield return new RunFinishedEvent { ThreadId = _input.ThreadId, RunId = _input.RunId };
            }
            yield break;
        }
        if (failure is not null)
        {
            yield return Error(failure);
            yield break;
        }
        yield return new RunFinishedEvent
        {
            ThreadId = _input.ThreadId,
            RunId = _input.RunId,
            FinishReason = FinishReasonName(_finishReason),
            Usage = _usage is null ? null : [ToTokenUsage(_usage)],
            Outcome = _interrupts.Count > 0 ? InterruptTools.Outcome(_interrupts) : null,
        };
    }

    /// <summary>Maps one streamed update to AG-UI events (into <see cref="_pending"/>) and collects its tool calls.</summary>
    private void Map(ChatResponseUpdate update, List<FunctionCallContent> calls)
    {
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    CloseReasoning();
                    if (!_textOpen)
                    {
                        _messageId = NewId();
                        _textOpen = true;
                    }
                    _pending.Add(new TextMessageChunkEvent { MessageId = _messageId, Role = "assistant", Delta = text.Text });
                    break;
                case TextReasoningContent { Text.Length: > 0 } reasoning:
                    if (_reasoningId is null)
                    {
                        _reasoningId = NewId();
                        _textOpen = false;
                        _pending.Add(new ReasoningStartEvent { MessageId = _reasoningId });
                        _pending.Add(new ReasoningMessageStartEvent { MessageId = _reasoningId });
                    }
                    _pending.Add(new ReasoningMessageContentEvent { MessageId = _reasoningId, Delta = reasoning.Text });
                    break;
                case FunctionCallContent call when !calls.Exists(c => c.CallId == call.CallId):
                    calls.Add(call);
                    EmitToolCall(call);
                    break;
                case UsageContent usage:
                    (_usage ??= new UsageDetails()).Add(usage.Details);
                    break;
            }
        }

        // OpenAI-compatible providers stream argument deltas; the adapter only yields the complete call at the end.
        if (update.RawRepresentation is StreamingChatCompletionUpdate { ToolCallUpdates.Count: > 0 } raw)
        {
            foreach (var delta in raw.ToolCallUpdates)
            {
                StreamToolCallDelta(delta);
            }
        }
        if (update.FinishReason is { } finish)
        {
            _finishReason = finish;
        }
    }

    private void StreamToolCallDelta(StreamingChatToolCallUpdate delta)
    {
        if (!_streamedCallIds.TryGetValue(delta.Index, out var callId))
        {
            if (string.IsNullOrEmpty(delta.ToolCallId) || string.IsNullOrEmpty(delta.FunctionName)
                || _streamedCalls.ContainsKey(delta.ToolCallId))
            {
                return;
            }
            callId = delta.ToolCallId;
            _streamedCallIds[delta.Index] = callId;
            _streamedCalls[callId] = new StreamedCall();
            StartToolCall(callId, delta.FunctionName);
        }
        var args = delta.FunctionArgumentsUpdate?.ToString();
        if (!string.IsNullOrEmpty(args) && _streamedCalls.TryGetValue(callId, out var streamed) && !streamed.Ended)
        {
            streamed.ArgsSent = true;
            _pending.Add(new ToolCallArgsEvent { ToolCallId = ToolCallId(callId), Delta = args });
        }
    }

    /// <summary>The AI SDK's <c>tool-call</c> part: START if not streamed yet, the whole input if no deltas were sent, END.</summary>
    private void EmitToolCall(FunctionCallContent call)
    {
        if (!_streamedCalls.TryGetValue(call.CallId, out var streamed))
        {
            streamed = new StreamedCall();
            _streamedCalls[call.CallId] = streamed;
            StartToolCall(call.CallId, call.Name);
        }
        if (streamed.Ended)
        {
            return;
        }
        var id = ToolCallId(call.CallId);
        if (!streamed.ArgsSent)
        {
            _pending.Add(new ToolCallArgsEvent { ToolCallId = id, Delta = AgentTools.Stringify(call.Arguments ?? new Dictionary<string, object?>()) });
        }
        streamed.Ended = true;
        _openToolCalls.Remove(id);
        _pending.Add(new ToolCallEndEvent { ToolCallId = id });
    }

    private void StartToolCall(string callId, string name)
    {
        CloseReasoning();
        _textOpen = false;
        var id = ToolCallId(callId);
        _openToolCalls.Add(id);
        _pending.Add(new ToolCallStartEvent { ToolCallId = id, ToolCallName = name, ParentMessageId = _messageId });
    }

    /// <summary>
    /// The AG-UI id of this step's provider call id: the provider's id, or — when an earlier step of the run already
    /// used it (servers that number calls per response) — the id suffixed <c>-2</c>, <c>-3</c>…. The model's own
    /// history within the run keeps the provider's ids; later runs send the AG-UI ids, which pair calls and results alike.
    /// </summary>
    private string ToolCallId(string providerId)
    {
        if (_toolCallIds.TryGetValue(providerId, out var id))
        {
            return id;
        }
        id = providerId;
        for (var n = 2; !_usedToolCallIds.Add(id); n++)
        {
            id = $"{providerId}-{n}";
        }
        _toolCallIds[providerId] = id;
        return id;
    }

    private void CloseReasoning()
    {
        if (_reasoningId is { } id)
        {
            _pending.Add(new ReasoningMessageEndEvent { MessageId = id });
            _pending.Add(new ReasoningEndEvent { MessageId = id });
            _reasoningId = null;
        }
    }

    /// <summary>Runs a server tool; the state tools also queue their <c>STATE_SNAPSHOT</c>/<c>STATE_DELTA</c>.</summary>
    private async ValueTask<object?> InvokeServerToolAsync(FunctionCallContent call, CancellationToken cancellationToken)
    {
        var arguments = call.Arguments ?? new Dictionary<string, object?>();
        switch (call.Name)
        {
            case AgentTools.StateSnapshotTool:
            {
                var snapshot = ToElement(arguments.TryGetValue("snapshot", out var s) ? s : null);
                _stateEmitted = true;
                _pending.Add(new StateSnapshotEvent { Snapshot = snapshot });
                return StateToolOutput("snapshot", snapshot);
            }
            case AgentTools.StateDeltaTool:
            {
                var delta = NormalizeDelta(ToElement(arguments.TryGetValue("delta", out var d) ? d : null));
                if (!_stateEmitted)
                {
                    _pending.Add(new StateSnapshotEvent { Snapshot = _input.State ?? AgUiJson.Parse("{}") });
                    _stateEmitted = true;
                }
                _pending.Add(new StateDeltaEvent { Delta = delta });
                return StateToolOutput("delta", delta);
            }
            default:
                var function = _tools.GetFunction(call.Name)!;
                return await function.InvokeAsync(new AIFunctionArguments(arguments), cancellationToken);
        }
    }

    /// <summary>
    /// A server tool's output as the model is sent it: an MCP result as the AI SDK converts it, other JSON as compact
    /// text (as the AI SDK sends a JSON output; Microsoft.Extensions.AI would indent it), a string as it is.
    /// </summary>
    private object? ModelOutput(string toolName, object? output) => output switch
    {
        JsonElement result when _tools.GetFunction(toolName) is McpResultFunction => McpResultFunction.ModelOutput(result),
        string text => text,
        _ => AgentTools.Stringify(output),
    };

    /// <summary>A JSON Patch with only <c>op</c>, <c>path</c> and (except for <c>remove</c>) <c>value</c>.</summary>
    private static JsonElement NormalizeDelta(JsonElement delta)
    {
        var patch = new JsonArray();
        if (delta.ValueKind == JsonValueKind.Array)
        {
            foreach (var op in delta.EnumerateArray())
            {
                if (op.ValueKind != JsonValueKind.Object
                    || !op.TryGetProperty("op", out var name) || name.ValueKind != JsonValueKind.String
                    || !op.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.String)
                {
                    continue;
                }
                var normalized = new JsonObject { ["op"] = name.GetString(), ["path"] = path.GetString() };
                if (!name.ValueEquals("remove"))
                {
                    normalized["value"] = op.TryGetProperty("value", out var value) ? JsonNode.Parse(value.GetRawText()) : null;
                }
                patch.Add((JsonNode)normalized);
            }
        }
        return JsonSerializer.SerializeToElement<JsonNode>(patch, AgUiJsonContext.Default.JsonNode);
    }

    /// <summary>What the state tools return: <c>{"success":true,"snapshot"|"delta":…}</c>.</summary>
    private static JsonElement StateToolOutput(string name, JsonElement value) =>
        JsonSerializer.SerializeToElement<JsonNode>(new JsonObject { ["success"] = true, [name] = JsonNode.Parse(value.GetRawText()) }, AgUiJsonContext.Default.JsonNode);

    private static JsonElement ToElement(object? value) => value switch
    {
        JsonElement element => element,
        null => AgUiJson.Parse("null"),
        _ => AgUiJson.Parse(AgentTools.Stringify(value)),
    };

    private TokenUsage ToTokenUsage(UsageDetails usage) => new()
    {
        Provider = _model.ProviderName,
        Model = _model.ModelName,
        InputTokens = usage.InputTokenCount,
        OutputTokens = usage.OutputTokenCount,
        TotalTokens = usage.TotalTokenCount ?? (usage.InputTokenCount + usage.OutputTokenCount),
        ReasoningTokens = usage.ReasoningTokenCount,
        CachedInputTokens = usage.CachedInputTokenCount,
    };

    /// <summary>The AI SDK's finish reason names.</summary>
    internal static string FinishReasonName(ChatFinishReason? reason)
    {
        if (reason is not { } r)
        {
            return "unknown";
        }
        if (r == ChatFinishReason.Stop)
        {
            return "stop";
        }
        if (r == ChatFinishReason.Length)
        {
            return "length";
        }
        if (r == ChatFinishReason.ToolCalls)
        {
            return "tool-calls";
        }
        return r == ChatFinishReason.ContentFilter ? "content-filter" : "other";
    }

    private RunErrorEvent Error(string message) => new() { Message = message, ThreadId = _input.ThreadId, RunId = _input.RunId };

    private static string NewId() => Guid.NewGuid().ToString();

    private sealed class StreamedCall
    {
        public bool ArgsSent { get; set; }
        public bool Ended { get; set; }
    }
}
