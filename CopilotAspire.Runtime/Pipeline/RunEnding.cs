using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Pipeline;

/// <summary>How an agent's stream ended when it ended without a terminal event.</summary>
/// <param name="Stopped">A stop was requested: the run finishes cleanly.</param>
/// <param name="Message">The error (or stop) message; defaults to the official wording.</param>
/// <param name="Code">The <c>RUN_ERROR</c> code; defaults to <c>INCOMPLETE_STREAM</c>.</param>
public readonly record struct RunEnding(bool Stopped, string? Message = null, string? Code = null)
{
    /// <summary>
    /// The agent's stream ended on its own without a terminal: the run ends with <c>RUN_ERROR</c>
    /// <c>INCOMPLETE_STREAM</c> (wire spec §4.6).
    /// </summary>
    public static RunEnding Completed => new(false);
    /// <summary>A stop was requested: the run ends with <c>RUN_FINISHED</c>.</summary>
    public static RunEnding Stop => new(true);
    /// <summary>
    /// The agent failed with <paramref name="message"/>: the run ends with <c>RUN_ERROR</c> carrying it.
    /// </summary>
    /// <param name="message">The failure's message; empty, or the stop message, takes the official wording.</param>
    /// <param name="code">The <c>RUN_ERROR</c> code; <see langword="null"/> is <c>INCOMPLETE_STREAM</c>.</param>
    public static RunEnding Failed(string message, string? code = null) => new(false, string.IsNullOrEmpty(message) || message == RunFinalizer.StopMessage ? null : message, code);
}
