using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Pipeline;

/// <summary>How an agent's stream ended when it ended without a terminal event.</summary>
/// <param name="Stopped">A stop was requested: the run finishes cleanly.</param>
/// <param name="Message">The error (or stop) message; defaults to the official wording.</param>
/// <param name="Code">The <c>RUN_ERROR</c> code; defaults to <c>INCOMPLETE_STREAM</c>.</param>
public readonly record struct RunEnding(bool Stopped, string? Message = null, string? Code = null)
{
    public static RunEnding Completed => new(false);
    public static RunEnding Stop => new(true);
    public static RunEnding Failed(string message, string? code = null) => new(false, string.IsNullOrEmpty(message) || message == RunFinalizer.StopMessage ? null : message, code);
}
