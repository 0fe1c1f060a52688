using CopilotAspire.Testing;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace CopilotAspire.Tests.Agents.Remote;

/// <summary>
/// The official runtime (Node, its <c>scripted</c> agent and its BuiltInAgent on the fake model) and our runtime
/// in-process with two remote agents pointing at it: <c>remote-scripted</c> and <c>remote-default</c>.
/// </summary>
public sealed class OfficialRemoteFixture : IAsyncLifetime
{
    public FakeOpenAiServer Model { get; private set; } = null!;

    public ApiProcess Official { get; private set; } = null!;

    public RuntimeTestHost Ours { get; private set; } = null!;

    public string OfficialUrl => new Uri(Official.BaseAddress, OfficialRuntime.BasePath).ToString();

    public async ValueTask InitializeAsync()
    {
        Model = await FakeOpenAiServer.StartAsync();
        Model.DefaultReply = Reply.Text("Hello from the model");
        Official = await OfficialRuntime.StartAsync(Model.OpenAiBaseUrl, CancellationToken.None);
        Ours = await RuntimeTestHost.StartAsync(runtime => runtime
            .AddHttpAgent("remote-scripted", OfficialRuntime.RunUrl(Official, "scripted"))
            .AddHttpAgent("remote-default", OfficialRuntime.RunUrl(Official, "default")));
    }

    public async ValueTask DisposeAsync()
    {
        if (Ours is not null)
        {
            await Ours.DisposeAsync();
        }
        if (Official is not null)
        {
            await Official.DisposeAsync();
        }
        if (Model is not null)
        {
            await Model.DisposeAsync();
        }
    }
}
