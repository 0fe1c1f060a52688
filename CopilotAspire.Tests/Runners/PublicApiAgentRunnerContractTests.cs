using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Testing.Runners;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// The runner seam is public: <see cref="PublicApiAgentRunner"/>, written in CopilotAspire.Testing (which
/// CopilotAspire.Runtime gives no InternalsVisibleTo), passes the same contract as the in-memory and Redis runners.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class PublicApiAgentRunnerContractTests : AgentRunnerContractTests
{
    protected override string EventLimitCode => RunErrorCodes.EventLimitExceeded;

    protected override ValueTask<AgentRunner> CreateRunnerAsync(RunnerLimits limits) =>
        ValueTask.FromResult<AgentRunner>(new PublicApiAgentRunner(limits.MaxEventsPerRun, limits.MaxRunsPerThread));

    [Fact]
    public void Only_the_test_project_sees_the_runtimes_internals()
    {
        // The seam's proof holds only while the runner's assembly gets no InternalsVisibleTo, nor do the Redis runner
        // and the Agent Framework adapter, which use the same public API.
        var granted = typeof(AgentRunner).Assembly.GetCustomAttributes(typeof(System.Runtime.CompilerServices.InternalsVisibleToAttribute), false)
            .Cast<System.Runtime.CompilerServices.InternalsVisibleToAttribute>().Select(a => a.AssemblyName);
        Assert.Equal(["CopilotAspire.Tests"], granted);
        Assert.Equal("CopilotAspire.Testing", typeof(PublicApiAgentRunner).Assembly.GetName().Name);
    }
}
