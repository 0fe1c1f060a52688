namespace CopilotAspire.Tests.Infrastructure;

/// <summary>One runtime host with the conformance agents, shared by a test class (tests use distinct thread ids).</summary>
public sealed class RuntimeHostFixture : IAsyncLifetime
{
    public RuntimeTestHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await RuntimeTestHost.StartAsync();

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
