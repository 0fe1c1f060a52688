namespace CopilotAspire.Tests.AppHost;

/// <summary>One process as <c>/proc</c> shows it; <see cref="StartTime"/> tells it apart from a later process with the same pid.</summary>
public sealed record CensusProcess(int Pid, int ParentPid, long StartTime, char State, string CommandLine)
{
    public override string ToString() => $"{Pid} ({State}) {CommandLine}";
}
