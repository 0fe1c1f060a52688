using System.Text.Json;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Tests.Runners;

namespace CopilotAspire.Tests.Client;

/// <summary>
/// CopilotKit's own thread store (<c>@copilotkit/core</c>'s, what <c>useThreads</c> and <c>CopilotThreadsDrawer</c> run
/// on) against our runtime, on both runners and both transports (REST, and the single route's
/// <c>resource/request</c> envelopes the client sends when <c>/info</c> has the <c>singleRoute</c> block): it pages
/// with the cursor, renames, archives, unarchives and deletes, each user seeing only their own threads.
/// </summary>
[Kind(TestKind.Process)]
public sealed class ThreadStoreClientTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncDisposable
{
    private readonly RedisRunnerFactory _factory = new(redis);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Theory(Timeout = 180_000)]
    [InlineData("InMemory", "rest")]
    [InlineData("InMemory", "single")]
    [InlineData("Redis", "rest")]
    [InlineData("Redis", "single")]
    public async Task The_official_thread_store_lists_pages_renames_archives_unarchives_and_deletes(string runner, string transport)
    {
        await using var host = await RunnerTestHosts.StartAsync(_factory, runner, r => r.WithThreadScope(RunnerTestHosts.ScopeFromUserHeader));
        var runtimeUrl = transport == "rest" ? host.RuntimeUrl : new Uri(host.BaseAddress, RuntimeTestHost.SinglePath).ToString();

        var alice = await NodeClient.RunThreadsAsync(runtimeUrl, transport, "scripted", "alice", Ct);
        var bob = await NodeClient.RunThreadsAsync(runtimeUrl, transport, "scripted", "bob", Ct);

        foreach (var (result, user) in new[] { (alice, "alice"), (bob, "bob") })
        {
            Assert.True(result.GetProperty("threadEndpoints").GetProperty("mutations").GetBoolean());
            var ids = result.GetProperty("threadIds").EnumerateArray().Select(e => e.GetString()!).ToArray();
            var steps = result.GetProperty("steps");
            // Newest first, one per page: the second thread, then the first.
            Assert.Equal([ids[1]], Ids(steps.GetProperty("firstPage")));
            Assert.Equal([ids[1], ids[0]], Ids(steps.GetProperty("bothPages")));
            Assert.All(Ids(steps.GetProperty("bothPages")), id => Assert.StartsWith(user + "-", id, StringComparison.Ordinal));
            Assert.Equal("Renamed by the drawer", Thread(steps.GetProperty("renamed"), ids[0]).GetProperty("name").GetString());
            Assert.True(Thread(steps.GetProperty("archived"), ids[1]).GetProperty("archived").GetBoolean());
            Assert.False(Thread(steps.GetProperty("unarchived"), ids[1]).GetProperty("archived").GetBoolean());
            Assert.Equal([ids[1]], Ids(steps.GetProperty("deleted")));
        }
    }

    private static string[] Ids(JsonElement list) => list.EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToArray();

    private static JsonElement Thread(JsonElement list, string id) => list.EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
}
