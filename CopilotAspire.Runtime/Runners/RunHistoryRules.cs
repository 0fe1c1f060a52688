using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// The thread-history rules every runner applies (wire spec §5.2): which message ids a stored run makes "known"
/// (so a later <c>RUN_STARTED.input</c> carries only new messages), the input injected into an agent's bare
/// <c>RUN_STARTED</c>, and which live events a connect drops because history already replayed their message. A runner
/// normally uses them through <see cref="RunLifecycle"/> and <see cref="ReplayedMessages"/>.
/// </summary>
public static class RunHistoryRules
{
    /// <summary>Adds the message ids a run's events make known to the thread.</summary>
    public static void CollectMessageIds(IEnumerable<AgUiEvent> events, ISet<string> ids)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case RunStartedEvent { Input: { } input }:
                    foreach (var m in input.Messages)
                    {
                        ids.Add(m.Id);
                    }
                    break;
                case ToolCallStartEvent { ParentMessageId: { } parent }:
                    // Not in the official rule: a tool-only assistant turn the client sends back is not new either.
                    ids.Add(parent);
                    break;
                default:
                    if (MessageIdOf(e) is { } id)
                    {
                        ids.Add(id);
                    }
                    break;
            }
        }
    }

    /// <summary>An agent's <c>RUN_STARTED</c> without <c>input</c> gets the request's input with only the new messages.</summary>
    public static AgUiEvent InjectInput(AgUiEvent e, RunAgentInput input, IReadOnlyList<Message> newMessages) =>
        e is RunStartedEvent { Input: null } started ? started with { Input = input with { Messages = newMessages } } : e;

    /// <summary>
    /// The <c>messageId</c> of any event that has one, as the official runtime reads it: what a stored run makes known,
    /// and what a connect's live tail skips once history has replayed it (<see cref="EventMessageId.Of"/>).
    /// </summary>
    public static string? MessageIdOf(AgUiEvent e) => EventMessageId.Of(e);
}
