namespace CopilotAspire.Runtime.Runners;

/// <summary>What a stop request found (<see cref="AgentRunner.StopAsync"/>).</summary>
public enum StopOutcome
{
    /// <summary>The thread's active run was asked to stop.</summary>
    Stopped,
    /// <summary>The thread has no active run (or it is stopping already).</summary>
    NotRunning,
    /// <summary>The thread's active run is not the run id given.</summary>
    NotActiveRun,
}
