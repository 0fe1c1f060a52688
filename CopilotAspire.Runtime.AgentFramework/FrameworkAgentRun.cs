using System.Runtime.CompilerServices;
using System.Text;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.AgentFramework;

/// <summary>
/// One run of a <see cref="FrameworkAgent"/>: the conversation built from the input, one streaming call of the agent in
/// a new session, its updates mapped by the shared <see cref="ChatUpdateMapper"/> (wire spec §18).
/// </summary>
internal sealed class FrameworkAgentRun(RunAgentInput input, Func<AIAgent> create, FrameworkAgentOptions options, ILogger logger)
{
    private readonly ChatUpdateMapper _map = new();

    public async IAsyncEnumerable<AgUiEvent> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };

        AIAgent? agent = null;
        List<ChatMessage> messages = [];
        string? invalid = null;
        try
        {
            agent = create();
        }
#pragma warning disable CA1031 // A factory failure of any kind becomes RUN_ERROR.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            invalid = $"The agent could not be created: {ex.Message}";
            FrameworkAgentLog.AgentUnavailable(logger, input.ThreadId, input.RunId, ProviderErrors.TypeName(ex), ex.Message);
        }
        if (agent is not null)
        {
            try
            {
                messages = BuildMessages();
            }
            catch (Exception ex) when (ex is FormatException or UriFormatException or ArgumentException)
            {
                invalid = $"Invalid message content: {ex.Message}";
            }
        }
        if (agent is null || invalid is not null)
        {
            yield return Error(invalid ?? "The agent could not be created.");
            yield break;
        }

        var stopped = false;
        string? failure = null;
        var calls = new List<FunctionCallContent>();
        var afterResults = false;
        string? responseId = null;
        await using (var stream = agent.RunStreamingAsync(messages, session: null, CreateRunOptions(), cancellationToken).GetAsyncEnumerator(cancellationToken))
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
                    stopped = true; // however the aborted model call surfaces
                    break;
                }
#pragma warning disable CA1031 // An agent or provider failure of any kind becomes RUN_ERROR.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failure = ProviderErrors.Describe(ex, null);
                    FrameworkAgentLog.AgentFailed(logger, input.ThreadId, input.RunId, ProviderErrors.TypeName(ex), failure);
                    break;
                }

                var update = stream.Current.AsChatResponseUpdate();
                if (ChatUpdateMapper.IsModelOutput(update))
                {
                    // A new model response (after tool results, or another agent of a workflow): a new text message,
                    // and provider call ids may repeat.
                    if (afterResults || (update.MessageId is { } id && responseId is not null && id != responseId))
                    {
                        _map.BeginStep();
                        calls.Clear();
                        afterResults = false;
                    }
                    responseId = update.MessageId ?? responseId;
                }
                afterResults |= update.Contents.Any(c => c is FunctionResultContent);
                if (update.Contents.OfType<ErrorContent>().FirstOrDefault() is { } error)
                {
                    failure = error.Message;
                    FrameworkAgentLog.AgentFailed(logger, input.ThreadId, input.RunId, nameof(ErrorContent), failure);
                }
                _map.Map(update, calls);
                foreach (var e in _map.Pending)
                {
                    yield return e;
                }
                _map.Pending.Clear();
                if (failure is not null)
                {
                    break;
                }
            }
        }

        _map.CloseReasoning();
        foreach (var e in _map.Pending)
        {
            yield return e;
        }
        _map.Pending.Clear();

        if (stopped)
        {
            // As BuiltInAgent on stop: a tool call left open is closed (with a result) by the runtime's finalizer.
            if (!_map.HasOpenToolCalls)
            {
                yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
            }
            yield break;
        }
        if (failure is not null)
        {
            yield return Error(failure);
            yield break;
        }
        var metadata = agent.GetService<ChatClientMetadata>();
        var finish = _map.FinishReason ?? (calls.Count > 0 && !afterResults ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop);
        yield return new RunFinishedEvent
        {
            ThreadId = input.ThreadId,
            RunId = input.RunId,
            FinishReason = ChatUpdateMapper.FinishReasonName(finish),
            Usage = _map.ToTokenUsage(metadata?.ProviderName, metadata?.DefaultModelId) is { } usage ? [usage] : null,
        };
    }

    /// <summary>The context and state system message (when asked for and present), then the input messages converted.</summary>
    private List<ChatMessage> BuildMessages()
    {
        var messages = new List<ChatMessage>(input.Messages.Count + 1);
        if (options.RenderContextAndState && ContextAndState() is { } system)
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
        }
        ChatInput.AddMessages(messages, input.Messages, options.ForwardSystemMessages, options.ForwardDeveloperMessages);
        return messages;
    }

    /// <summary>BuiltInAgent's context and state sections (wire spec §10.3), without its state tools' instruction.</summary>
    private string? ContextAndState()
    {
        var hasState = ModelInput.HasState(input.State);
        if (input.Context.Count == 0 && !hasState)
        {
            return null;
        }
        var text = new StringBuilder();
        if (input.Context.Count > 0)
        {
            text.Append("## Context from the application\n");
            foreach (var context in input.Context)
            {
                text.Append(context.Description).Append(":\n").Append(context.Value).Append('\n');
            }
        }
        if (hasState)
        {
            text.Append(text.Length > 0 ? "\n" : "").Append("## Application State\n")
                .Append("```json\n").Append(ModelInput.StringifyIndented(input.State!.Value)).Append("\n```\n");
        }
        return text.ToString();
    }

    /// <summary>
    /// The client's tools as declarations (a <c>ChatClientAgent</c> adds them to its own; its function-invoking client
    /// returns a call to one instead of running it), and the input's ids, state, context and forwarded props.
    /// </summary>
    private ChatClientAgentRunOptions CreateRunOptions()
    {
        var properties = new AdditionalPropertiesDictionary
        {
            [FrameworkAgent.ThreadIdKey] = input.ThreadId,
            [FrameworkAgent.RunIdKey] = input.RunId,
            [FrameworkAgent.ContextKey] = input.Context,
        };
        if (input.State is { } state)
        {
            properties[FrameworkAgent.StateKey] = state;
        }
        if (input.ForwardedProps is { } forwarded)
        {
            properties[FrameworkAgent.ForwardedPropsKey] = forwarded;
        }
        var chatOptions = new ChatOptions
        {
            Tools = input.Tools.Count > 0 ? [.. input.Tools.Select(ChatInput.ToolDeclaration)] : null,
            AdditionalProperties = properties,
        };
        return new ChatClientAgentRunOptions(chatOptions) { AdditionalProperties = new AdditionalPropertiesDictionary(properties) };
    }

    private RunErrorEvent Error(string message) => new() { Message = message, ThreadId = input.ThreadId, RunId = input.RunId };
}
