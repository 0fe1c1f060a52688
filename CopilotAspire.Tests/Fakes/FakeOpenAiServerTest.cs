namespace CopilotAspire.Tests.Fakes;

/// <summary>A test class with its own <see cref="FakeOpenAiServer"/> per test.</summary>
public abstract class FakeOpenAiServerTest : IAsyncLifetime
{
    protected FakeOpenAiServer Server { get; private set; } = null!;

    /// <summary>The server's <see cref="FakeOpenAiServer.DefaultReply"/> for this class (none by default).</summary>
    protected virtual Reply? DefaultReply => null;

    public virtual async ValueTask InitializeAsync()
    {
        Server = await FakeOpenAiServer.StartAsync(TestContext.Current.CancellationToken);
        Server.DefaultReply = DefaultReply;
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
