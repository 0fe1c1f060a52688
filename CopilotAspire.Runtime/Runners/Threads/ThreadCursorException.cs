namespace CopilotAspire.Runtime.Runners.Threads;

/// <summary>A list cursor that no store gave out (the HTTP layer answers 400).</summary>
public sealed class ThreadCursorException(string message) : Exception(message);
