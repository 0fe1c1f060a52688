using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Tests.Runners;

namespace CopilotAspire.Tests.Http;

/// <summary>
/// The <c>/threads</c> routes of the wire spec §20 over real HTTP, on both runners and both transports (REST, and the
/// single route's <c>resource/request</c>): the official list and inspect shapes, the mutations, their errors, the
/// per-user scope (<c>WithThreadScope</c>, here from an <c>x-user</c> header) and <c>/info</c>.
/// </summary>
[Kind(TestKind.Process)]
public sealed class ThreadRoutesTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncDisposable
{
    private readonly RedisRunnerFactory _factory = new(redis);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private Task<RuntimeTestHost> StartAsync(string runner, bool allowClear = false) =>
        RunnerTestHosts.StartAsync(_factory, runner, r => r.WithThreadScope(RunnerTestHosts.ScopeFromUserHeader),
            new Dictionary<string, string?> { ["CopilotRuntime:Threads:AllowClear"] = allowClear ? "true" : "false" });

    /// <summary>A thread route, by REST or wrapped in a <c>resource/request</c> envelope.</summary>
    private static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> CallAsync(
        RuntimeTestHost host, string transport, HttpMethod method, string path, JsonNode? body = null, string? user = "alice")
    {
        HttpRequestMessage request;
        if (transport == "rest")
        {
            request = new HttpRequestMessage(method, RuntimeTestHost.BasePath + path) { Content = body is null ? null : JsonContent.Create(body) };
        }
        else
        {
            var envelope = new JsonObject { ["method"] = "resource/request", ["params"] = new JsonObject { ["path"] = path, ["httpMethod"] = method.Method } };
            if (body is not null)
            {
                envelope["body"] = body.DeepClone();
            }
            request = new HttpRequestMessage(HttpMethod.Post, RuntimeTestHost.SinglePath) { Content = JsonContent.Create(envelope) };
        }
        if (user is not null)
        {
            request.Headers.Add("x-user", user);
        }
        var response = await host.Client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    private static async Task RunAsync(RuntimeTestHost host, string threadId, string runId, string text = "hi", string user = "alice")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, RuntimeTestHost.BasePath + "/agent/scripted/run") { Content = JsonContent.Create(RunBodies.Input(threadId, runId, text)) };
        request.Headers.Add("x-user", user);
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal("RUN_FINISHED", (await Sse.ReadAllAsync(response, Ct)).Types()[^1]);
    }

    private static JsonObject Agent(JsonObject? more = null)
    {
        var body = new JsonObject { ["agentId"] = "scripted" };
        foreach (var (k, v) in more ?? [])
        {
            body[k] = v?.DeepClone();
        }
        return body;
    }

    [Theory(Timeout = 120_000)]
    [InlineData("InMemory", "rest")]
    [InlineData("InMemory", "single")]
    [InlineData("Redis", "rest")]
    [InlineData("Redis", "single")]
    public async Task List_inspect_rename_archive_unarchive_and_delete_answer_the_official_shapes(string runner, string transport)
    {
        await using var host = await StartAsync(runner);
        var thread = "t/" + Guid.NewGuid().ToString("N")[..8]; // a slash: encoded in paths, decoded by the router
        var encoded = Uri.EscapeDataString(thread);
        await RunAsync(host, thread, "r1", "first");
        await RunAsync(host, thread, "r2", "second");

        var (status, list, _) = await CallAsync(host, transport, HttpMethod.Get, "/threads?agentId=scripted&limit=10");
        Assert.Equal(HttpStatusCode.OK, status);
        var listed = Assert.Single(list!["threads"]!.AsArray())!.AsObject();
        Assert.Equal(["id", "name", "agentId", "organizationId", "createdById", "archived", "createdAt", "updatedAt"], listed.Select(p => p.Key));
        Assert.Equal(thread, (string)listed["id"]!);
        Assert.Null(listed["name"]);
        Assert.Equal("scripted", (string)listed["agentId"]!);
        Assert.False((bool)listed["archived"]!);
        Assert.Null(list["nextCursor"]);
        Assert.True(list.AsObject().ContainsKey("nextCursor"));

        var messages = (await CallAsync(host, transport, HttpMethod.Get, $"/threads/{encoded}/messages")).Body!["messages"]!.AsArray();
        Assert.Equal(["r1-user", "r1-text", "r1-result", "r2-user", "r2-text", "r2-result"], messages.Select(m => (string)m!["id"]!));
        Assert.Equal("first", (string)messages[0]!["content"]!);
        JsonAssert.Equal("""{"id":"r1-text","role":"assistant","content":"Hello from scripted","toolCalls":[{"id":"r1-tool","name":"scripted_tool","args":"{\"echo\":\"first\"}"}]}""", messages[1]);
        JsonAssert.Equal("""{"id":"r1-result","role":"tool","content":"{\"ok\":true}","toolCallId":"r1-tool"}""", messages[2]);

        var events = (await CallAsync(host, transport, HttpMethod.Get, $"/threads/{encoded}/events")).Body!["events"]!.AsArray();
        Assert.Equal(2, events.Count(e => (string)e!["type"]! == "RUN_STARTED"));
        Assert.Equal("RUN_FINISHED", (string)events[^1]!["type"]!);
        JsonAssert.Equal("""{"state":{"step":1,"status":"done","echo":"second"}}""", (await CallAsync(host, transport, HttpMethod.Get, $"/threads/{encoded}/state")).Body);

        var renamed = await CallAsync(host, transport, HttpMethod.Patch, $"/threads/{encoded}", Agent(new JsonObject { ["name"] = "Lisbon ✈" }));
        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        Assert.Equal("Lisbon ✈", (string)renamed.Body!["name"]!);
        Assert.Contains("\"Lisbon ✈\"", renamed.Body.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal);

        var archived = await CallAsync(host, transport, HttpMethod.Post, $"/threads/{encoded}/archive", Agent());
        JsonAssert.Equal($$"""{"threadId":"{{thread}}","archived":true}""", archived.Body);
        Assert.Empty((await CallAsync(host, transport, HttpMethod.Get, "/threads?agentId=scripted")).Body!["threads"]!.AsArray());
        var withArchived = (await CallAsync(host, transport, HttpMethod.Get, "/threads?agentId=scripted&includeArchived=true")).Body!["threads"]!.AsArray();
        Assert.True((bool)withArchived.Single()!["archived"]!);

        var unarchived = await CallAsync(host, transport, HttpMethod.Patch, $"/threads/{encoded}", Agent(new JsonObject { ["archived"] = false }));
        Assert.False((bool)unarchived.Body!["archived"]!);
        Assert.Equal("Lisbon ✈", (string)(await CallAsync(host, transport, HttpMethod.Get, "/threads?agentId=scripted")).Body!["threads"]![0]!["name"]!);

        var deleted = await CallAsync(host, transport, HttpMethod.Delete, $"/threads/{encoded}", Agent());
        JsonAssert.Equal($$"""{"threadId":"{{thread}}","deleted":true}""", deleted.Body);
        Assert.Empty((await CallAsync(host, transport, HttpMethod.Get, "/threads?agentId=scripted&includeArchived=true")).Body!["threads"]!.AsArray());
        JsonAssert.Equal("""{"messages":[]}""", (await CallAsync(host, transport, HttpMethod.Get, $"/threads/{encoded}/messages")).Body);
        JsonAssert.Equal("""{"events":[]}""", (await CallAsync(host, transport, HttpMethod.Get, $"/threads/{encoded}/events")).Body);
        JsonAssert.Equal("""{"state":null}""", (await CallAsync(host, transport, HttpMethod.Get, $"/threads/{encoded}/state")).Body);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(host, transport, HttpMethod.Delete, $"/threads/{encoded}", Agent())).Status);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("InMemory", "rest")]
    [InlineData("Redis", "single")]
    public async Task Pages_follow_the_cursor_to_the_end(string runner, string transport)
    {
        await using var host = await StartAsync(runner);
        var user = "pager-" + Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, 7).Select(i => $"p{i}-" + Guid.NewGuid().ToString("N")[..6]).ToList();
        foreach (var id in ids)
        {
            await RunAsync(host, id, "r1", user: user);
        }
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var path = "/threads?agentId=scripted&limit=3" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = (await CallAsync(host, transport, HttpMethod.Get, path, user: user)).Body!;
            seen.AddRange(page["threads"]!.AsArray().Select(t => (string)t!["id"]!));
            cursor = (string?)page["nextCursor"];
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Theory(Timeout = 120_000)]
    [InlineData("InMemory", "rest")]
    [InlineData("InMemory", "single")]
    [InlineData("Redis", "rest")]
    [InlineData("Redis", "single")]
    public async Task Bob_can_neither_see_nor_touch_alices_threads(string runner, string transport)
    {
        await using var host = await StartAsync(runner, allowClear: true);
        var thread = "shared-" + Guid.NewGuid().ToString("N")[..8];
        await RunAsync(host, thread, "r1", "alice's secret", user: "alice");

        Assert.Empty((await CallAsync(host, transport, HttpMethod.Get, "/threads?agentId=scripted&includeArchived=true", user: "bob")).Body!["threads"]!.AsArray());
        JsonAssert.Equal("""{"messages":[]}""", (await CallAsync(host, transport, HttpMethod.Get, $"/threads/{thread}/messages", user: "bob")).Body);
        JsonAssert.Equal("""{"events":[]}""", (await CallAsync(host, transport, HttpMethod.Get, $"/threads/{thread}/events", user: "bob")).Body);
        JsonAssert.Equal("""{"state":null}""", (await CallAsync(host, transport, HttpMethod.Get, $"/threads/{thread}/state", user: "bob")).Body);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(host, transport, HttpMethod.Patch, $"/threads/{thread}", Agent(new JsonObject { ["name"] = "bob's" }), user: "bob")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(host, transport, HttpMethod.Post, $"/threads/{thread}/archive", Agent(), user: "bob")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(host, transport, HttpMethod.Delete, $"/threads/{thread}", Agent(), user: "bob")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(host, transport, HttpMethod.Post, "/threads/clear", user: "bob")).Status);
        // Anonymous requests are the unscoped namespace: they see nothing of Alice's either.
        Assert.Empty((await CallAsync(host, transport, HttpMethod.Get, "/threads?agentId=scripted", user: null)).Body!["threads"]!.AsArray());

        var alice = (await CallAsync(host, transport, HttpMethod.Get, "/threads?agentId=scripted", user: "alice")).Body!["threads"]!.AsArray();
        Assert.Null(Assert.Single(alice)!["name"]);
        Assert.False((bool)alice[0]!["archived"]!);
        Assert.Contains("secret", (await CallAsync(host, transport, HttpMethod.Get, $"/threads/{thread}/messages", user: "alice")).Body!.ToJsonString(), StringComparison.Ordinal);

        // Alice's clear removes only hers.
        await RunAsync(host, thread, "r1", "bob's own", user: "bob");
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(host, transport, HttpMethod.Post, "/threads/clear", user: "alice")).Status);
        Assert.Empty((await CallAsync(host, transport, HttpMethod.Get, "/threads?agentId=scripted", user: "alice")).Body!["threads"]!.AsArray());
        Assert.Single((await CallAsync(host, transport, HttpMethod.Get, "/threads?agentId=scripted", user: "bob")).Body!["threads"]!.AsArray());
    }

    [Theory(Timeout = 120_000)]
    [InlineData("InMemory")]
    [InlineData("Redis")]
    public async Task A_thread_with_a_run_in_progress_answers_409_to_delete_until_it_is_stopped(string runner)
    {
        await using var host = await StartAsync(runner);
        var thread = "busy-" + Guid.NewGuid().ToString("N")[..8];
        using var runRequest = new HttpRequestMessage(HttpMethod.Post, RuntimeTestHost.BasePath + "/agent/scripted/run") { Content = JsonContent.Create(RunBodies.Input(thread, "r1", "tokens:100000 delay:20")) };
        runRequest.Headers.Add("x-user", "alice");
        using var run = await host.Client.SendAsync(runRequest, HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var frames = run.ReadFramesAsync(Ct).GetAsyncEnumerator(Ct);
        await frames.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");

        // Listed (and renamable) from its first run's start.
        Assert.Single((await CallAsync(host, "rest", HttpMethod.Get, "/threads?agentId=scripted")).Body!["threads"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(host, "rest", HttpMethod.Patch, $"/threads/{thread}", Agent(new JsonObject { ["name"] = "busy" }))).Status);
        var refused = await CallAsync(host, "rest", HttpMethod.Delete, $"/threads/{thread}", Agent());
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("thread_running", (string)refused.Body!["error"]!);

        using var stopRequest = new HttpRequestMessage(HttpMethod.Post, RuntimeTestHost.BasePath + $"/agent/scripted/stop/{thread}") { Content = JsonContent.Create(new JsonObject()) };
        stopRequest.Headers.Add("x-user", "alice");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(stopRequest, Ct)).StatusCode);
        Assert.Equal("RUN_FINISHED", (await frames.ReadToEndAsync())[^1].Type);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(host, "rest", HttpMethod.Delete, $"/threads/{thread}", Agent())).Status);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("rest")]
    [InlineData("single")]
    public async Task Bad_requests_get_clear_4xx_answers(string transport)
    {
        await using var host = await StartAsync("InMemory");
        await RunAsync(host, "known", "r1");
        var cases = new (HttpMethod Method, string Path, JsonNode? Body, HttpStatusCode Status, string Error)[]
        {
            (HttpMethod.Get, "/threads", null, HttpStatusCode.BadRequest, "Valid agentId query param is required"),
            (HttpMethod.Get, "/threads?agentId=bad%20id", null, HttpStatusCode.BadRequest, "Valid agentId query param is required"),
            (HttpMethod.Get, "/threads?agentId=scripted&limit=0", null, HttpStatusCode.BadRequest, "Invalid limit"),
            (HttpMethod.Get, "/threads?agentId=scripted&limit=x", null, HttpStatusCode.BadRequest, "Invalid limit"),
            (HttpMethod.Get, "/threads?agentId=scripted&cursor=garbage", null, HttpStatusCode.BadRequest, "Invalid cursor"),
            (HttpMethod.Get, "/threads/%01/messages", null, HttpStatusCode.BadRequest, "Invalid threadId"),
            (HttpMethod.Patch, "/threads/known", new JsonObject { ["name"] = "x" }, HttpStatusCode.BadRequest, "Valid agentId is required"),
            (HttpMethod.Patch, "/threads/known", Agent(new JsonObject { ["name"] = 5 }), HttpStatusCode.BadRequest, "Invalid name"),
            (HttpMethod.Patch, "/threads/known", Agent(new JsonObject { ["name"] = new string('n', 257) }), HttpStatusCode.BadRequest, "Invalid name"),
            (HttpMethod.Patch, "/threads/known", Agent(new JsonObject { ["archived"] = "yes" }), HttpStatusCode.BadRequest, "Invalid archived"),
            (HttpMethod.Delete, "/threads/known", null, HttpStatusCode.BadRequest, transport == "rest" ? "Invalid request body" : "Invalid request body"),
            (HttpMethod.Patch, "/threads/unknown", Agent(new JsonObject { ["name"] = "x" }), HttpStatusCode.NotFound, "Thread not found"),
            (HttpMethod.Post, "/threads/clear", null, HttpStatusCode.Forbidden, "forbidden"),
            (HttpMethod.Post, "/threads", null, HttpStatusCode.MethodNotAllowed, "Method not allowed"),
            (HttpMethod.Get, "/threads/known", null, HttpStatusCode.MethodNotAllowed, "Method not allowed"),
            (HttpMethod.Get, "/threads/known/archive", null, HttpStatusCode.MethodNotAllowed, "Method not allowed"),
            (HttpMethod.Get, "/threads/known/other", null, HttpStatusCode.NotFound, "Not found"),
        };
        foreach (var (method, path, body, expected, error) in cases)
        {
            var (status, answer, _) = await CallAsync(host, transport, method, path, body);
            Assert.True(expected == status, $"{method} {path}: {status} {answer?.ToJsonString()}");
            Assert.Equal(error, (string)answer!["error"]!);
        }
        // The thread is untouched by all of it.
        var thread = (await CallAsync(host, transport, HttpMethod.Get, "/threads?agentId=scripted")).Body!["threads"]![0]!;
        Assert.Null(thread["name"]);

        if (transport == "single")
        {
            foreach (var (parameters, message) in new[]
            {
                (new JsonObject { ["httpMethod"] = "GET" }, "Missing or invalid parameter 'path'"),
                (new JsonObject { ["path"] = "/threads" }, "Missing or invalid parameter 'httpMethod'"),
                (new JsonObject { ["path"] = "//evil.example/threads", ["httpMethod"] = "GET" }, "Resource path must be Runtime-relative"),
            })
            {
                var response = await host.Client.PostAsync(RuntimeTestHost.SinglePath, JsonContent.Create(new JsonObject { ["method"] = "resource/request", ["params"] = parameters }), Ct);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Equal(message, (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["message"]!);
            }
            var agentRoute = await host.Client.PostAsync(RuntimeTestHost.SinglePath, JsonContent.Create(new JsonObject { ["method"] = "resource/request", ["params"] = new JsonObject { ["path"] = "/info", ["httpMethod"] = "GET" } }), Ct);
            Assert.Equal(HttpStatusCode.NotFound, agentRoute.StatusCode);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Info_advertises_the_thread_routes_on_rest_and_in_the_single_routes_block()
    {
        await using var host = await StartAsync("InMemory");
        var rest = JsonNode.Parse(await host.Client.GetStringAsync(RuntimeTestHost.BasePath + "/info", Ct))!;
        JsonAssert.Equal("""{"list":true,"inspect":true,"mutations":true,"realtimeMetadata":false}""", rest["threadEndpoints"]);
        Assert.Null(rest["singleRoute"]);

        var single = await host.Client.PostAsync(RuntimeTestHost.SinglePath, JsonContent.Create(new JsonObject { ["method"] = "info" }), Ct);
        var info = JsonNode.Parse(await single.Content.ReadAsStringAsync(Ct))!;
        JsonAssert.Equal("""{"list":false,"inspect":false,"mutations":false,"realtimeMetadata":false}""", info["threadEndpoints"]);
        JsonAssert.Equal("""{"resourceOperations":true,"threadEndpoints":{"list":true,"inspect":true,"mutations":true,"realtimeMetadata":false}}""", info["singleRoute"]);
        var keys = info.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(keys.IndexOf("threadEndpoints") + 1, keys.IndexOf("singleRoute"));

        await using var off = await RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?> { ["CopilotRuntime:Threads:Enabled"] = "false" });
        JsonAssert.Equal("""{"list":false,"inspect":false,"mutations":false,"realtimeMetadata":false}""", JsonNode.Parse(await off.Client.GetStringAsync(RuntimeTestHost.BasePath + "/info", Ct))!["threadEndpoints"]);
        Assert.Equal(HttpStatusCode.NotFound, (await off.Client.GetAsync(RuntimeTestHost.BasePath + "/threads?agentId=scripted", Ct)).StatusCode);
    }
}
