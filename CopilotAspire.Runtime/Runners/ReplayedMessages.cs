using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// A connect's record of the messages its history replay wrote (wire spec §5.2): the live tail of the thread's active
/// run then skips every event of those messages, so a client never gets a message twice. Used by a connect that tails
/// an active run; one that only replays needs none.
/// </summary>
public sealed class ReplayedMessages
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

    /// <summary>Notes a replayed event's message (<see cref="RunHistoryRules.MessageIdOf"/>); <see langword="null"/> is ignored.</summary>
    public void Add(string? messageId)
    {
        if (messageId is not null)
        {
            _ids.Add(messageId);
        }
    }

    /// <summary>Notes a replayed event.</summary>
    public void Add(AgUiEvent replayed) => Add(RunHistoryRules.MessageIdOf(replayed));

    /// <summary>Whether the live event <paramref name="live"/> belongs to a message the replay already wrote.</summary>
    public bool Skips(AgUiEvent live) => _ids.Count > 0 && RunHistoryRules.MessageIdOf(live) is { } id && _ids.Contains(id);
}
