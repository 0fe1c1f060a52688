namespace CopilotAspire.Runtime.Protocol;

/// <summary>The message an event belongs to, for the events that name one.</summary>
public static class EventMessageId
{
    /// <summary>
    /// The <c>messageId</c> of any event that has one, as the official runtime reads it (its <c>"messageId" in event</c>):
    /// what a stored run makes known to its thread, and what a connect's live tail skips once history has replayed it.
    /// </summary>
    public static string? Of(AgUiEvent e) => e switch
    {
        TextMessageStartEvent x => x.MessageId,
        TextMessageContentEvent x => x.MessageId,
        TextMessageEndEvent x => x.MessageId,
        TextMessageChunkEvent x => x.MessageId,
        ToolCallResultEvent x => x.MessageId,
        ActivitySnapshotEvent x => x.MessageId,
        ActivityDeltaEvent x => x.MessageId,
        ReasoningStartEvent x => x.MessageId,
        ReasoningEndEvent x => x.MessageId,
        ReasoningMessageStartEvent x => x.MessageId,
        ReasoningMessageContentEvent x => x.MessageId,
        ReasoningMessageEndEvent x => x.MessageId,
        ReasoningMessageChunkEvent x => x.MessageId,
        _ => null,
    };
}
