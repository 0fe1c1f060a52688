namespace CopilotAspire.Transcriber.Api;

public sealed record SegmentJson(int Id, double Start, double End, string Text);
