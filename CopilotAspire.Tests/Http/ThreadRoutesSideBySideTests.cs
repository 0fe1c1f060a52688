using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Tests.Runners;

namespace CopilotAspire.Tests.Http;

/// <summary>
/// The official runtime (<c>@copilotkit/runtime</c> 1.75.0 on its in-memory runner, <c>bench/official/server.mjs</c>)
/// and ours, on both runners, answer the same sequence of runs with the same <c>/threads</c> list and inspect
/// bodies, times aside (wire spec §20). Needs <c>npm ci</c> in <c>bench/official</c>.
/// </summary>
[Kind(TestKind.Process)]
public sealed class ThreadRoutesSideBySideTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncDisposable
{
    private readonly RedisRunnerFactory _factory = new(redis);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Theory(Timeout = 180_000)]
    [InlineData("InMemory")]
    [InlineData("Redis")]
    public async Task List_and_inspect_answer_as_the_official_runtime_does(string runner)
    {
        await using var official = await OfficialRuntime.StartAsync("http://127.0.0.1:9/v1", Ct);
        var officialClient = official.Client;
        await using var ours = await RunnerTestHosts.StartAsync(_factory, runner);

        foreach (var client in new[] { officialClient, ours.Client })
        {
            // What CopilotKit's client sends: the whole conversation every run.
            var conversation = new JsonArray(new JsonObject { ["id"] = "r1-user", ["role"] = "user", ["content"] = "first" });
            await RunAsync(client, "T1", "r1", conversation);
            conversation.Add(JsonNode.Parse("""{"id":"r1-text","role":"assistant","content":"Hello from scripted","toolCalls":[{"id":"r1-tool","type":"function","function":{"name":"scripted_tool","arguments":"{\"echo\":\"first\"}"}}]}"""));
            conversation.Add(JsonNode.Parse("""{"id":"r1-result","role":"tool","content":"{\"ok\":true}","toolCallId":"r1-tool"}"""));
            conversation.Add(new JsonObject { ["id"] = "r2-user", ["role"] = "user", ["content"] = "second" });
            await RunAsync(client, "T1", "r2", conversation);
            await RunAsync(client, "T2", "r3", new JsonArray(new JsonObject { ["id"] = "r3-user", ["role"] = "user", ["content"] = "other" }));
        }

        foreach (var path in new[]
        {
            "/threads?agentId=scripted",
            "/threads/T1/messages", "/threads/T1/events", "/threads/T1/state",
            "/threads/T2/messages", "/threads/T2/state",
            "/threads/unknown/messages", "/threads/unknown/events", "/threads/unknown/state",
        })
        {
            var expected = await GetAsync(officialClient, path);
            var actual = await GetAsync(ours.Client, path);
            Assert.True(JsonNode.DeepEquals(expected, actual), $"{path}\nofficial: {expected.ToJsonString()}\nours:     {actual.ToJsonString()}");
        }

        var officialInfo = JsonNode.Parse(await officialClient.GetStringAsync(RuntimeTestHost.BasePath + "/info", Ct))!["threadEndpoints"]!;
        var ourInfo = JsonNode.Parse(await ours.Client.GetStringAsync(RuntimeTestHost.BasePath + "/info", Ct))!["threadEndpoints"]!;
        foreach (var flag in new[] { "list", "inspect", "realtimeMetadata" })
        {
            Assert.Equal((bool)officialInfo[flag]!, (bool)ourInfo[flag]!);
        }
        // Where we differ on purpose: mutations are served (the official runtime needs its paid platform: 422).
        Assert.False((bool)officialInfo["mutations"]!);
        Assert.True((bool)ourInfo["mutations"]!);
        var rename = new JsonObject { ["agentId"] = "scripted", ["name"] = "renamed" };
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await officialClient.PatchAsync(RuntimeTestHost.BasePath + "/threads/T1", JsonContent.Create(rename), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ours.Client.PatchAsync(RuntimeTestHost.BasePath + "/threads/T1", JsonContent.Create(rename), Ct)).StatusCode);
    }

    private static async Task RunAsync(HttpClient client, string threadId, string runId, JsonArray messages)
    {
        var input = new JsonObject
        {
            ["threadId"] = threadId,
            ["runId"] = runId,
            ["messages"] = messages.DeepClone(),
            ["tools"] = new JsonArray(),
            ["context"] = new JsonArray(),
            ["forwardedProps"] = new JsonObject(),
        };
        using var response = await client.PostAsync(RuntimeTestHost.BasePath + "/agent/scripted/run", JsonContent.Create(input), Ct);
        Assert.EndsWith("\"RUN_FINISHED\",\"threadId\":\"" + threadId + "\",\"runId\":\"" + runId + "\"}", (await response.Content.ReadAsStringAsync(Ct)).TrimEnd(), StringComparison.Ordinal);
    }

    /// <summary>The body, with the list's times replaced (they are the only thing that differs) and sorted by id.</summary>
    private static async Task<JsonNode> GetAsync(HttpClient client, string path)
    {
        var body = JsonNode.Parse(await client.GetStringAsync(RuntimeTestHost.BasePath + path, Ct))!;
        if (body["threads"] is JsonArray threads)
        {
            foreach (var thread in threads)
            {
                Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", (string)thread!["createdAt"]!);
                thread["createdAt"] = "<time>";
                thread["updatedAt"] = "<time>";
            }
            body["threads"] = new JsonArray([.. threads.OrderBy(t => (string)t!["id"]!, StringComparer.Ordinal).Select(t => t!.DeepClone())]);
        }
        return body;
    }
}
