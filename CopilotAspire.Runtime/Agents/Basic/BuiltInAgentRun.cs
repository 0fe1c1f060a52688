using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Agents;

/// <summary>
/// One run of a <see cref="BuiltInAgent"/>: the model-call loop (run server tools, stop on client tools, up to
/// <see cref="BasicAgentOptions.MaxSteps"/>); the model's stream becomes AG-UI events through the shared
/// <see cref="ChatUpdateMapper"/> (wire spec §10.4).
/// The tool loop is ours rather than <c>FunctionInvokingChatClient</c>'s, which skips server tools when one response
/// also calls a client tool.
/// </summary>
internal sealed class BuiltInAgentRun
{
    private readonly RunAgentInput _input;
    private readonly BasicAgentOptions _options;
    private readonly ModelBinding _model;
    private readonly ILogger _logger;
    private readonly AgentTools _tools;
    private readonly ChatUpdateMapper _map = new();
    private readonly List<AgUiEvent> _pending;
    private bool _stateEmitted;

    public BuiltInAgentRun(RunAgentInput input, BasicAgentOptions options, ModelBinding model, ILogger logger)
    {
        _input = input;
        _options = options;
        _model = model;
        _logger = logger;
        _tools = new AgentTools(input.Tools, options.Tools);
        _pending = _map.Pending;
    }

    public async IAsyncEnumerable<AgUiEvent> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new RunStartedEvent { ThreadId = _input.ThreadId, RunId = _input.RunId };

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

        var chatOptions = CreateChatOptions();
        var maxSteps = Math.Max(1, _options.MaxSteps);
        var stopped = false;
        string? failure = null;

        for (var step = 1; step <= maxSteps && !stopped && failure is null; step++)
        {
            _map.BeginStep();
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
                    _map.Map(stream.Current, calls);
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

            _map.CloseReasoning();
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
                results.Add(new FunctionResultContent(call.CallId, output));
                foreach (var e in _pending)
                {
                    yield return e;
                }
                _pending.Clear();
                yield return new ToolCallResultEvent
                {
                    ToolCallId = _map.ToolCallId(call.CallId),
                    MessageId = ChatUpdateMapper.NewId(),
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

        _map.CloseReasoning();
        foreach (var e in _pending)
        {
            yield return e;
        }
        _pending.Clear();

        if (stopped)
        {
            // As the official agent on abort: the open text message is closed (by chunk expansion) and the run finishes.
            // A tool call left open mid-stream is closed by the runtime's finalizer instead, which also gives it a result.
            if (!_map.HasOpenToolCalls)
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
            FinishReason = ChatUpdateMapper.FinishReasonName(_map.FinishReason),
            Usage = _map.ToTokenUsage(_model.ProviderName, _model.ModelName) is { } usage ? [usage] : null,
        };
    }

    private ChatOptions CreateChatOptions() => new()
    {
        Temperature = _options.Temperature,
        TopP = _options.TopP,
        TopK = _options.TopK,
        PresencePenalty = _options.PresencePenalty,
        FrequencyPenalty = _options.FrequencyPenalty,
        Seed = _options.Seed,
        StopSequences = _options.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
        MaxOutputTokens = _options.MaxOutputTokens,
        Tools = _tools.All,
        ToolMode = _options.ToolChoice?.Trim().ToLowerInvariant() switch
        {
            null or "" => null,
            "auto" => ChatToolMode.Auto,
            "required" => ChatToolMode.RequireAny,
            "none" => ChatToolMode.None,
            _ => ChatToolMode.RequireSpecific(_options.ToolChoice.Trim()),
        },
    };

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

    private RunErrorEvent Error(string message) => new() { Message = message, ThreadId = _input.ThreadId, RunId = _input.RunId };
}
