namespace CopilotAspire.Transcriber.Engine;

/// <summary>The engine cannot transcribe (model loading or failed, or no engine built in): answered 503.</summary>
public sealed class SpeechEngineUnavailableException(string message) : Exception(message);
