using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// The thread-history rules every runner applies (wire spec §5.2): which message ids a stored run makes "known"
/// (so a later <c>RUN_STARTED.input</c> carries only new messages), the input injected into an agent's bare
/// <c>RUN_STARTED</c>, and which live events a connect drops because history already replayed their message.
/// </summary>
internal static class RunHistoryRules
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
                case TextMessageStartEvent s:
                    ids.Add(s.MessageId);
                    break;
                case ToolCallResultEvent r:
                    ids.Add(r.MessageId);
                    break;
                case ToolCallStartEvent { ParentMessageId: { } parent }:
                    ids.Add(parent);
                    break;
            }
        }
    }

    /// <summary>An agent's <c>RUN_STARTED</c> without <c>input</c> gets the request's input with only the new messages.</summary>
    public static AgUiEvent InjectInput(AgUiEvent e, RunAgentInput input, IReadOnlyList<Message> newMessages) =>
        e is RunStartedEvent { Input: null } started ? started with { Input = input with { Messages = newMessages } } : e;

    /// <summary>The text message a replayed event belongs to (a connect skips live events of messages history replayed).</summary>
    public static string? ReplayedMessageId(AgUiEvent e) => e switch
    {
        TextMessageStartEvent s => s.MessageId,
        TextMessageContentEvent c => c.MessageId,
        TextMessageEndEvent end => end.MessageId,
        _ => null,
    };
}
