using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// A stop that reaches the owning replica from another one (wire spec §22): the run ends in the shape its own client
/// negotiated when it started (the version travels with the run's input, not with the stop request).
/// </summary>
[Kind(TestKind.Process)]
public sealed class RedisCrossReplicaStopVersionTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncDisposable
{
    private readonly RedisRunnerFactory _factory = new(redis);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Theory]
    [InlineData("1.0", ""","outcome":{"type":"cancelled"}""")]
    [InlineData(null, "")]
    public async Task A_stop_from_another_replica_ends_the_run_in_its_own_clients_shape(string? version, string outcome)
    {
        var owner = await _factory.CreateAsync();
        var other = await _factory.CreateAsync();
        var thread = "version-" + Guid.NewGuid().ToString("N")[..12];
        var request = TestAgents.Request(thread, "r1", TestAgents.Hanging());
        request = request with { Input = request.Input with { ProtocolVersion = version } };
        await using var run = (await owner.RunAsync(request, Ct)).GetAsyncEnumerator(Ct);
        await run.ReadUntilAsync(e => e is ToolCallArgsEvent);

        Assert.Equal(StopOutcome.Stopped, (await other.StopAsync(thread, "r1", Ct)).Outcome);

        var tail = (await run.ReadToEndAsync()).Json();
        Assert.Equal($$$"""{"type":"RUN_FINISHED","threadId":"{{{thread}}}","runId":"r1"{{{outcome}}}}""", tail[^1]);
        var replay = await (await other.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>(), null), Ct)).ReadAllAsync(Ct);
        Assert.Equal(tail[^1], AgUiJson.Serialize(replay[^1].Event));
    }
}
