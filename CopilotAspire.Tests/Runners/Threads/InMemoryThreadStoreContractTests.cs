using CopilotAspire.Runtime.Runners;
using CopilotAspire.Runtime.Runners.Threads;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Tests.Runners.Threads;

[Kind(TestKind.Fast)]
public sealed class InMemoryThreadStoreContractTests : ThreadStoreContractTests
{
    protected override ValueTask<AgentRunner> CreateRunnerAsync() => ValueTask.FromResult<AgentRunner>(new InMemoryAgentRunner());

    protected override async Task AssertNothingStoredAsync(ThreadKey thread)
    {
        var runner = (InMemoryAgentRunner)Runner;
        Assert.Empty(await runner.GetThreadEventsAsync(thread, Ct));
        Assert.False(await runner.IsRunningAsync(thread, Ct));
        Assert.Null(await runner.UpdateThreadAsync(thread, new ThreadUpdate(Name: "probe"), Ct));
    }

    [Fact]
    public async Task Eviction_takes_a_thread_out_of_its_index()
    {
        var runner = new InMemoryAgentRunner(Options.Create(new InMemoryAgentRunnerOptions { MaxThreads = 2 }));
        foreach (var id in new[] { "a", "b", "c" })
        {
            await (await runner.RunAsync(TestAgents.Request(id, "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        }
        var page = await runner.ListThreadsAsync(new ThreadListQuery(null, "test", 10), Ct);
        Assert.Equal(["b", "c"], page.Threads.Select(t => t.Id).Order());
    }
}
