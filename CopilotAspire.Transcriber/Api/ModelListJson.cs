namespace CopilotAspire.Transcriber.Api;

/// <summary><c>GET /v1/models</c>.</summary>
public sealed record ModelListJson(string Object, IReadOnlyList<ModelJson> Data);
