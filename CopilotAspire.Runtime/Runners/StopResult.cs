namespace CopilotAspire.Runtime.Runners;

/// <summary>The answer of <see cref="AgentRunner.StopAsync"/>.</summary>
public readonly record struct StopResult(StopOutcome Outcome)
{
    public bool Stopped => Outcome == StopOutcome.Stopped;
    public static StopResult StoppedResult => new(StopOutcome.Stopped);
    public static StopResult NotRunning => new(StopOutcome.NotRunning);
    public static StopResult NotActiveRun => new(StopOutcome.NotActiveRun);
}
