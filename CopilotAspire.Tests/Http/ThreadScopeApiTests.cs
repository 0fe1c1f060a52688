using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Http;

/// <summary>
/// Per-user threads in the real Api (<c>Auth:Enabled</c>, JWT bearer tokens signed by the test): two users on one
/// thread id never see, resume or stop each other's runs, nor list, read, rename or delete each other's threads, on both
/// runners; anonymous requests get the JSON 401.
/// </summary>
[Kind(TestKind.Process)]
public sealed class ThreadScopeApiTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string Agent = "/api/copilotkit/agent/scripted";
    private const string Issuer = "copilottests";
    private const string Audience = "copilot-api";

    private static readonly byte[] SigningKey = RandomNumberGenerator.GetBytes(32);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<ApiProcess> StartAsync(string runner)
    {
        var environment = new Dictionary<string, string>
        {
            ["Auth__Enabled"] = "true",
            ["Authentication__Schemes__Bearer__ValidIssuer"] = Issuer,
            ["Authentication__Schemes__Bearer__ValidAudiences__0"] = Audience,
            ["Authentication__Schemes__Bearer__SigningKeys__0__Issuer"] = Issuer, // what `dotnet user-jwts` writes
            ["Authentication__Schemes__Bearer__SigningKeys__0__Value"] = Convert.ToBase64String(SigningKey),
            ["CopilotRuntime__Runner"] = runner,
        };
        if (runner == "Redis")
        {
            environment["ConnectionStrings__redis"] = redis.ConnectionString;
        }
        return ApiProcess.StartAsync(environment, Ct);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("InMemory")]
    [InlineData("Redis")]
    public async Task Two_users_on_one_thread_id_each_see_only_their_own_thread(string runner)
    {
        await using var api = await StartAsync(runner);
        var alice = Token("alice");
        var bob = Token("bob");
        var thread = "shared-" + Guid.NewGuid().ToString("N")[..8];

        // Alice's run stays active until she stops it.
        using var aliceRun = await SendAsync(api, Agent + "/run", Body(thread, "alice-r1", "tokens:100000 delay:20"), alice);
        Assert.Equal(HttpStatusCode.OK, aliceRun.StatusCode);
        await using var aliceFrames = aliceRun.ReadFramesAsync(Ct).GetAsyncEnumerator(Ct);
        await aliceFrames.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");

        // Alice's own connect sees it (with resumable ids on Redis).
        using var aliceTail = await SendAsync(api, Agent + "/connect", Body(thread, "c", ""), alice);
        await using var aliceTailFrames = aliceTail.ReadFramesAsync(Ct).GetAsyncEnumerator(Ct);
        var aliceSeen = await aliceTailFrames.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
        Assert.Equal("alice-r1", (string)aliceSeen[0].Json["runId"]!);
        var lastEventId = aliceSeen[^1].Id;
        Assert.Equal(runner == "Redis", lastEventId is not null);

        // Bob, knowing the thread id (and one of Alice's event ids), finds nothing to connect to, resume or stop.
        Assert.Empty(await ReadAllAsync(await SendAsync(api, Agent + "/connect", Body(thread, "c", ""), bob)));
        Assert.Empty(await ReadAllAsync(await SendAsync(api, Agent + "/connect", Body(thread, "c", ""), bob, lastEventId ?? "1-1")));
        foreach (var stopBody in new JsonNode?[] { null, new JsonObject { ["runId"] = "alice-r1" } })
        {
            var stop = await SendAsync(api, Agent + "/stop/" + thread, stopBody, bob);
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
            Assert.False((bool)JsonNode.Parse(await stop.Content.ReadAsStringAsync(Ct))!["stopped"]!);
        }
        var envelope = new JsonObject { ["method"] = "agent/stop", ["params"] = new JsonObject { ["agentId"] = "scripted", ["threadId"] = thread } };
        var singleStop = await SendAsync(api, "/api/copilotkit-single", envelope, bob);
        Assert.False((bool)JsonNode.Parse(await singleStop.Content.ReadAsStringAsync(Ct))!["stopped"]!);

        // Bob's run on the same id is his own thread: not busy, and it holds only his messages.
        var bobRun = await ReadAllAsync(await SendAsync(api, Agent + "/run", Body(thread, "bob-r1", "hello from bob"), bob));
        Assert.Equal("RUN_FINISHED", bobRun.Types()[^1]);
        Assert.DoesNotContain(bobRun, f => f.Data!.Contains("alice", StringComparison.Ordinal));

        // Alice's run was untouched by all of it; she stops it herself.
        var aliceStop = await SendAsync(api, Agent + "/stop/" + thread, new JsonObject { ["runId"] = "alice-r1" }, alice);
        Assert.True((bool)JsonNode.Parse(await aliceStop.Content.ReadAsStringAsync(Ct))!["stopped"]!);
        var aliceRest = await aliceFrames.ReadToEndAsync();
        Assert.Equal("RUN_FINISHED", aliceRest[^1].Type);
        Assert.Equal("RUN_FINISHED", (await aliceTailFrames.ReadToEndAsync())[^1].Type);

        // Each replay holds only its owner's run.
        var aliceReplay = await ReadAllAsync(await SendAsync(api, Agent + "/connect", Body(thread, "c", ""), alice));
        var bobReplay = await ReadAllAsync(await SendAsync(api, Agent + "/connect", Body(thread, "c", ""), bob));
        Assert.Equal(["alice-r1"], RunIds(aliceReplay));
        Assert.Equal(["bob-r1"], RunIds(bobReplay));
        Assert.DoesNotContain(bobReplay, f => f.Data!.Contains("alice", StringComparison.Ordinal));
        Assert.DoesNotContain(aliceReplay, f => f.Data!.Contains("bob", StringComparison.Ordinal));

        if (lastEventId is not null)
        {
            // Alice resumes after an event she saw: the rest of her run, nothing of Bob's.
            var resumed = await ReadAllAsync(await SendAsync(api, Agent + "/connect", Body(thread, "c", ""), alice, lastEventId));
            Assert.Empty(RunIds(resumed)); // after its RUN_STARTED
            Assert.Equal("RUN_FINISHED", resumed[^1].Type);
            Assert.Equal("alice-r1", (string)resumed[^1].Json["runId"]!);
            Assert.DoesNotContain(resumed, f => f.Data!.Contains("bob", StringComparison.Ordinal));
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData("InMemory")]
    [InlineData("Redis")]
    public async Task The_thread_routes_show_each_user_only_their_own_threads_on_both_transports(string runner)
    {
        await using var api = await StartAsync(runner);
        var (alice, bob) = (Token("alice"), Token("bob"));
        var thread = "listed-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal("RUN_FINISHED", (await ReadAllAsync(await SendAsync(api, Agent + "/run", Body(thread, "r1", "alice only"), alice))).Types()[^1]);

        foreach (var transport in new[] { "rest", "single" })
        {
            // (The Redis server is shared with the class's other test: each user may have more threads than this one.)
            Assert.Contains(thread, Ids((await ThreadRouteAsync(api, transport, "GET", "/threads?agentId=scripted&limit=200", null, alice)).Body!));
            Assert.DoesNotContain(thread, Ids((await ThreadRouteAsync(api, transport, "GET", "/threads?agentId=scripted&limit=200&includeArchived=true", null, bob)).Body!));
            Assert.Empty((await ThreadRouteAsync(api, transport, "GET", $"/threads/{thread}/messages", null, bob)).Body!["messages"]!.AsArray());
            var rename = new JsonObject { ["agentId"] = "scripted", ["name"] = "bob was here" };
            Assert.Equal(HttpStatusCode.NotFound, (await ThreadRouteAsync(api, transport, "PATCH", $"/threads/{thread}", rename, bob)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await ThreadRouteAsync(api, transport, "DELETE", $"/threads/{thread}", new JsonObject { ["agentId"] = "scripted" }, bob)).Status);
            var mine = (await ThreadRouteAsync(api, transport, "GET", "/threads?agentId=scripted&limit=200", null, alice)).Body!["threads"]!.AsArray().Single(t => (string)t!["id"]! == thread)!;
            Assert.Null(mine["name"]);
            Assert.Contains("alice only", (await ThreadRouteAsync(api, transport, "GET", $"/threads/{thread}/messages", null, alice)).Body!.ToJsonString(), StringComparison.Ordinal);
        }
        // No token: the JSON 401, as every route of the runtime.
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "/api/copilotkit/threads?agentId=scripted");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Client.SendAsync(anonymous, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ThreadRouteAsync(api, "rest", "DELETE", $"/threads/{thread}", new JsonObject { ["agentId"] = "scripted" }, alice)).Status);
    }

    private static List<string> Ids(JsonNode list) => [.. list["threads"]!.AsArray().Select(t => (string)t!["id"]!)];

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> ThreadRouteAsync(ApiProcess api, string transport, string method, string path, JsonNode? body, string token)
    {
        using var request = transport == "rest"
            ? new HttpRequestMessage(new HttpMethod(method), "/api/copilotkit" + path) { Content = body is null ? null : JsonContent.Create(body) }
            : new HttpRequestMessage(HttpMethod.Post, "/api/copilotkit-single")
            {
                Content = JsonContent.Create(new JsonObject
                {
                    ["method"] = "resource/request",
                    ["params"] = new JsonObject { ["path"] = path, ["httpMethod"] = method },
                    ["body"] = body?.DeepClone(),
                }),
            };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await api.Client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact(Timeout = 60_000)]
    public async Task Requests_without_a_valid_token_get_the_json_401_with_cors_and_preflights_pass()
    {
        await using var api = await StartAsync("InMemory");
        var wrongKey = Token("mallory", RandomNumberGenerator.GetBytes(32));
        foreach (var (path, token) in new[] { (Agent + "/run", null), (Agent + "/connect", wrongKey), ("/api/copilotkit-single", null), ("/api/copilotkit/info", wrongKey) })
        {
            using var request = new HttpRequestMessage(path.EndsWith("/info", StringComparison.Ordinal) ? HttpMethod.Get : HttpMethod.Post, path)
            {
                Content = path.EndsWith("/info", StringComparison.Ordinal) ? null : JsonContent.Create(Body("t", "r", "hi")),
            };
            request.Headers.Add("Origin", "https://app.example");
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            var response = await api.Client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.First().Scheme);
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Equal("unauthorized", (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!);
        }

        using var preflight = new HttpRequestMessage(HttpMethod.Options, Agent + "/run");
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        var answer = await api.Client.SendAsync(preflight, Ct);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);

        // A valid token works.
        using var info = new HttpRequestMessage(HttpMethod.Get, "/api/copilotkit/info");
        info.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token("alice"));
        Assert.Equal(HttpStatusCode.OK, (await api.Client.SendAsync(info, Ct)).StatusCode);
    }

    private static List<string> RunIds(List<SseFrame> frames) =>
        [.. frames.Where(f => f.Type == "RUN_STARTED").Select(f => (string)f.Json["runId"]!)];

    private static JsonNode Body(string threadId, string runId, string text) => JsonNode.Parse(RuntimeTestHost.Input(threadId, runId,
        new JsonArray(new JsonObject { ["id"] = runId + "-user", ["role"] = "user", ["content"] = text }).ToJsonString()))!;

    private static async Task<HttpResponseMessage> SendAsync(ApiProcess api, string path, JsonNode? body, string token, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? new StringContent("", Encoding.UTF8, "application/json") : JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        return await api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
    }

    private static async Task<List<SseFrame>> ReadAllAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var frames = response.ReadFramesAsync(Ct).GetAsyncEnumerator(Ct);
            return await frames.ReadToEndAsync();
        }
    }

    /// <summary>An HS256 JWT for <paramref name="subject"/>, valid for ten minutes.</summary>
    private static string Token(string subject, byte[]? key = null)
    {
        static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}"""));
        var payload = Encode(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["sub"] = subject,
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["nbf"] = now - 60,
            ["exp"] = now + 600,
        }.ToJsonString()));
        var signature = Encode(HMACSHA256.HashData(key ?? SigningKey, Encoding.ASCII.GetBytes(header + "." + payload)));
        return $"{header}.{payload}.{signature}";
    }
}
