namespace CopilotAspire.Runtime.Runners;

/// <summary>The answer of <see cref="AgentRunner.StopAsync"/>.</summary>
/// <param name="Outcome">What the stop found.</param>
public readonly record struct StopResult(StopOutcome Outcome)
{
    /// <summary>
    /// Whether the active run was asked to stop (<see cref="StopOutcome.Stopped"/>): the route answers
    /// <c>{"stopped":true,…}</c>.
    /// </summary>
    public bool Stopped => Outcome == StopOutcome.Stopped;
    /// <summary>The thread's active run was asked to stop.</summary>
    public static StopResult StoppedResult => new(StopOutcome.Stopped);
    /// <summary>
    /// The thread has no active run: the route answers 200 <c>{"stopped":false,"message":"No active run for thread
    /// '…'."}</c> (wire spec §2.6).
    /// </summary>
    public static StopResult NotRunning => new(StopOutcome.NotRunning);
    /// <summary>
    /// The thread's active run is not the run id the stop named: 200 <c>{"stopped":false,"message":"Run '…' is not the
    /// active run for thread '…'."}</c>.
    /// </summary>
    public static StopResult NotActiveRun => new(StopOutcome.NotActiveRun);
}
