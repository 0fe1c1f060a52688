using System.Runtime.CompilerServices;
using System.Text.Json;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// One run of a <see cref="BuiltInAgent"/>: the model-call loop (run server tools, stop on client tools, up to
/// <see cref="BuiltInAgentOptions.MaxSteps"/>), its stream mapped to AG-UI events by the shared <see cref="ChatUpdateMapper"/>
/// (wire spec §10.4) with this agent's hooks: server tool results, state tools and interrupts (§19.3).
/// The tool loop is ours rather than <c>FunctionInvokingChatClient</c>'s, which skips server tools when one response
/// also calls a client tool.
/// </summary>
internal sealed class BuiltInAgentRun
{
    private readonly RunAgentInput _input;
    private readonly BuiltInAgentOptions _options;
    private readonly ModelBindings _models;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ILogger _logger;
    private readonly RunSettings _settings;
    private ModelBinding _model;
    private AgentTools _tools;
    private readonly ChatUpdateMapper _mapper = new();
    private readonly StateToolCalls _stateTools;

    // The interrupt tools called in this run, by AG-UI tool call id (wire spec §19.3).
    private readonly List<(string ToolCallId, InterruptToolOptions Tool)> _interrupts = [];

    public BuiltInAgentRun(RunAgentInput input, BuiltInAgentOptions options, ModelBindings models, ILoggerFactory? loggerFactory, ILogger logger)
    {
        _input = input;
        _options = options;
        _models = models;
        _loggerFactory = loggerFactory;
        _logger = logger;
        _settings = RunSettings.From(options, input.ForwardedProps);
        _model = models.Default;
        _tools = new AgentTools(input.Tools, options.Tools, options.InterruptTools);
        _stateTools = new StateToolCalls(input.State);
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
            _mapper.BeginStep();
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
                    _mapper.Map(stream.Current, calls);
                    foreach (var e in _mapper.Pending)
                    {
                        yield return e;
                    }
                    _mapper.Pending.Clear();
                }
            }

            if (stopped || failure is not null)
            {
                break;
            }

            _mapper.CloseReasoning();
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
                        _interrupts.Add((_mapper.ToolCallId(call.CallId), interrupt));
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
                _mapper.AddToolResult(call.CallId, output);
                foreach (var e in _mapper.Pending)
                {
                    yield return e;
                }
                _mapper.Pending.Clear();
            }

            // A client tool call ends the run: the client runs it and starts a follow-up run with the result.
            if (stopped || clientCalls)
            {
                break;
            }
            messages.Add(new ChatMessage(ChatRole.Tool, results));
        }

        _mapper.CloseReasoning();
        foreach (var e in _mapper.Pending)
        {
            yield return e;
        }
        _mapper.Pending.Clear();

        if (stopped)
        {
            // As the official agent on abort: the open text message is closed (by chunk expansion) and the run finishes.
            // A tool call left open mid-stream is closed by the runtime's finalizer instead, which also gives it a result.
            if (!_mapper.HasOpenToolCalls)
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
            FinishReason = ChatUpdateMapper.FinishReasonName(_mapper.FinishReason),
            Usage = _mapper.ToTokenUsage(_model.ProviderName, _model.ModelName) is { } usage ? [usage] : null,
            Outcome = _interrupts.Count > 0 ? InterruptTools.Outcome(_interrupts) : null,
        };
    }

    /// <summary>Runs a server tool; the state tools also queue their <c>STATE_SNAPSHOT</c>/<c>STATE_DELTA</c>.</summary>
    private async ValueTask<object?> InvokeServerToolAsync(FunctionCallContent call, CancellationToken cancellationToken)
    {
        if (_stateTools.TryInvoke(call, _mapper.Pending, out var output))
        {
            return output;
        }
        var function = _tools.GetFunction(call.Name)!;
        return await function.InvokeAsync(new AIFunctionArguments(call.Arguments ?? new Dictionary<string, object?>()), cancellationToken);
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

    private RunErrorEvent Error(string message) => new() { Message = message, ThreadId = _input.ThreadId, RunId = _input.RunId };
}
