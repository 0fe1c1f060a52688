namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// The <c>RUN_ERROR.code</c> values the runtime and its runners end a run with (a remote agent's own failures are in
/// <c>RemoteAgentErrors</c>). Every runner uses these, so a client sees the same code whichever
/// runner is configured.
/// </summary>
public static class RunErrorCodes
{
    /// <summary>The run emitted the runner's <c>MaxEventsPerRun</c> events and was ended.</summary>
    public const string EventLimitExceeded = "EVENT_LIMIT_EXCEEDED";

    /// <summary>The server running the run stopped (drained, or died and another replica closed the run).</summary>
    public const string RunInterrupted = "RUN_INTERRUPTED";

    /// <summary>The message of a <see cref="RunInterrupted"/> run.</summary>
    public const string RunInterruptedMessage = "The run was interrupted: the server running it stopped before the run finished.";

    /// <summary>The agent's stream ended without a terminal event and without a stop (wire spec §5).</summary>
    public const string IncompleteStream = "INCOMPLETE_STREAM";

    /// <summary>The <c>interrupt.code</c> of a stop's answer (<c>POST …/stop</c>).</summary>
    public const string Stopped = "STOPPED";

    /// <summary>The <c>interrupt.message</c> of a stop's answer, and the message a stopped run's tool calls get as their result.</summary>
    public const string StoppedMessage = "Run stopped by user";

    /// <summary>The message of a <see cref="EventLimitExceeded"/> run.</summary>
    public static string EventLimitExceededMessage(int maxEvents) => $"Run exceeded the limit of {maxEvents} events.";
}
