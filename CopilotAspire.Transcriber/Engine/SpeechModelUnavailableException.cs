namespace CopilotAspire.Transcriber.Engine;

/// <summary>The configured model file is missing or unusable; the message names the path.</summary>
public sealed class SpeechModelUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
