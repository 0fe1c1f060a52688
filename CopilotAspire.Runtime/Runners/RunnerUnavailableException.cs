namespace CopilotAspire.Runtime.Runners;

/// <summary>The runner's backing store is unreachable; the HTTP layer answers <c>503 runner_unavailable</c>.</summary>
public sealed class RunnerUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
