namespace CopilotAspire.Transcriber.Api;

public sealed record ModelJson(string Id, string Object, long Created, string OwnedBy);
