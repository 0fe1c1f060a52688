using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Tests.Runners;

[Kind(TestKind.Fast)]
public sealed class InMemoryAgentRunnerContractTests : AgentRunnerContractTests
{
    protected override string EventLimitCode => InMemoryAgentRunner.EventLimitCode;

    protected override ValueTask<AgentRunner> CreateRunnerAsync(RunnerLimits limits) => ValueTask.FromResult<AgentRunner>(
        new InMemoryAgentRunner(Options.Create(new InMemoryAgentRunnerOptions { MaxEventsPerRun = limits.MaxEventsPerRun, MaxRunsPerThread = limits.MaxRunsPerThread })));
}

/// <summary>Bounds only the in-memory runner has.</summary>
[Kind(TestKind.Fast)]
public sealed class InMemoryAgentRunnerBoundsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Eviction_past_MaxThreads_never_evicts_a_running_thread()
    {
        var runner = new InMemoryAgentRunner(Options.Create(new InMemoryAgentRunnerOptions { MaxThreads = 2 }));
        await using var running = (await runner.RunAsync(TestAgents.Request("running", "r0", TestAgents.Hanging()), Ct)).GetAsyncEnumerator(Ct);
        await running.ReadUntilAsync(e => e is ToolCallArgsEvent);

        foreach (var thread in new[] { "a", "b", "c" })
        {
            await (await runner.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        }

        Assert.Equal(2, runner.ThreadCount);
        Assert.True(await runner.IsRunningAsync("running", Ct));
        Assert.Empty(await (await runner.ConnectAsync(new("a", "test", new Dictionary<string, string>()), Ct)).ReadAllAsync(Ct));
        Assert.NotEmpty(await (await runner.ConnectAsync(new("c", "test", new Dictionary<string, string>()), Ct)).ReadAllAsync(Ct));
        await runner.StopAsync("running", null, Ct);
        await running.ReadToEndAsync();
    }

    [Fact]
    public async Task Eviction_past_MaxBytes_never_evicts_a_running_thread()
    {
        var runner = new InMemoryAgentRunner(Options.Create(new InMemoryAgentRunnerOptions { MaxBytes = 4096 }));
        var agent = new GatedAgent(1);
        await using var running = (await runner.RunAsync(TestAgents.Request("running", "r0", agent), Ct)).GetAsyncEnumerator(Ct);
        await running.ReadUntilAsync(e => e is TextMessageStartEvent);

        for (var i = 0; i < 4; i++)
        {
            await (await runner.RunAsync(TestAgents.Request("big-" + i, "r1", TestAgents.Flood(40)), Ct)).ReadAllAsync(Ct);
        }

        Assert.InRange(runner.StoredBytes, 0, 4096);
        Assert.True(await runner.IsRunningAsync("running", Ct));
        agent.Release();
        Assert.IsType<RunFinishedEvent>((await running.ReadToEndAsync())[^1].Event);
        Assert.NotEmpty(await (await runner.ConnectAsync(new("running", "test", new Dictionary<string, string>()), Ct)).ReadAllAsync(Ct));
    }
}
