using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CopilotAspire.Testing;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Agents;

/// <summary>
/// The official runtime (<c>bench/official/server.mjs</c> with <c>OFFICIAL_BUILTIN_AGENT=1</c>) and ours, each with
/// the agent <c>builtin</c> configured alike (an interrupt tool, overridable temperature, extra capabilities, the MCP
/// test server over streamable HTTP), both on one <see cref="FakeOpenAiServer"/>: the same request goes to each.
/// </summary>
public sealed class BuiltInSideBySide : IAsyncLifetime
{
    public const string Agent = "builtin";
    private const string ApiKey = "sk-side-by-side";

    public FakeOpenAiServer Model { get; private set; } = null!;

    public NodeServer Mcp { get; private set; } = null!;

    public NodeServer Official { get; private set; } = null!;

    public RuntimeTestHost Ours { get; private set; } = null!;

    private readonly HttpClient _official = new();
    private readonly HttpClient _ours = new();

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Model = await FakeOpenAiServer.StartAsync(ct);
        Mcp = await NodeServer.StartMcpEverythingAsync(ct);
        Official = await NodeServer.StartOfficialRuntimeAsync(
            new Dictionary<string, string>
            {
                ["OPENAI_API_KEY"] = ApiKey,
                ["OPENAI_BASE_URL"] = Model.OpenAiBaseUrl,
                ["OFFICIAL_BUILTIN_AGENT"] = "1",
                ["OFFICIAL_MCP_URL"] = Mcp.Url.ToString(),
            },
            ct);
        _official.BaseAddress = new Uri(Official.Url, "/api/copilotkit/");
        const string agent = "CopilotRuntime:Agents:" + Agent + ":";
        Ours = await RuntimeTestHost.StartAsync(
            runtime => runtime.AddAgentsFromConfiguration(),
            new Dictionary<string, string?>
            {
                ["OPENAI_API_KEY"] = ApiKey,
                ["OPENAI_BASE_URL"] = Model.OpenAiBaseUrl,
                [agent + "Model"] = "openai/gpt-4o",
                [agent + "Prompt"] = "You move money.",
                [agent + "MaxRetries"] = "0",
                [agent + "MaxSteps"] = "3",
                [agent + "OverridableProperties:0"] = "temperature",
                [agent + "Capabilities:custom:approvals"] = "true",
                [agent + "InterruptTools:0:Name"] = "approve_transfer",
                [agent + "InterruptTools:0:Description"] = "Ask the user to approve a transfer",
                [agent + "InterruptTools:0:Parameters"] = """{"type":"object","properties":{"amount":{"type":"number"}},"required":["amount"]}""",
                [agent + "InterruptTools:0:Reason"] = "approval",
                [agent + "InterruptTools:0:Message"] = "Approve the transfer?",
                [agent + "McpServers:0:Type"] = "http",
                [agent + "McpServers:0:Url"] = Mcp.Url.ToString(),
            });
        _ours.BaseAddress = new Uri(Ours.RuntimeUrl + "/");
    }

    /// <summary>
    /// Posts <paramref name="body"/> to the official runtime and then to ours, each answered by <paramref name="replies"/>;
    /// returns both event streams and the model requests each runtime made.
    /// </summary>
    public async Task<(Side Official, Side Ours)> RunBothAsync(string path, string body, params Reply[] replies)
    {
        var ct = TestContext.Current.CancellationToken;
        var official = await RunAsync(_official, path, body, replies, ct);
        var ours = await RunAsync(_ours, path, body, replies, ct);
        return (official, ours);
    }

    /// <summary>GET on both runtimes, the JSON bodies.</summary>
    public async Task<(JsonNode? Official, JsonNode? Ours)> GetBothAsync(string path)
    {
        var ct = TestContext.Current.CancellationToken;
        return (JsonNode.Parse(await _official.GetStringAsync(path, ct)), JsonNode.Parse(await _ours.GetStringAsync(path, ct)));
    }

    private async Task<Side> RunAsync(HttpClient client, string path, string body, Reply[] replies, CancellationToken ct)
    {
        var before = Model.Requests.Count;
        Model.Enqueue(replies);
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.True(response.IsSuccessStatusCode, $"{client.BaseAddress}{path}: {(int)response.StatusCode}");
        var frames = await Sse.ReadAllAsync(response, ct);
        var modelCalls = Model.Requests.Skip(before).Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();
        return new Side(frames.Events(), modelCalls);
    }

    public async ValueTask DisposeAsync()
    {
        _official.Dispose();
        _ours.Dispose();
        if (Ours is not null)
        {
            await Ours.DisposeAsync();
        }
        if (Official is not null)
        {
            await Official.DisposeAsync();
        }
        if (Mcp is not null)
        {
            await Mcp.DisposeAsync();
        }
        if (Model is not null)
        {
            await Model.DisposeAsync();
        }
    }

    /// <summary>What one runtime streamed, and the model calls it made.</summary>
    public sealed record Side(List<JsonObject> Events, List<RecordedRequest> ModelCalls)
    {
        /// <summary>
        /// The events with ids aside: each distinct <c>messageId</c>/<c>parentMessageId</c> (UUIDs minted by each
        /// runtime) becomes <c>id1</c>, <c>id2</c>… in order of appearance, so structure and pairing still count. Also
        /// aside: key order (each producer orders its own keys), and in <c>usage</c> the <c>provider</c> label (the AI
        /// SDK's <c>openai.chat</c>, ours <c>openai</c>) and the <c>cachedInputTokens</c>/<c>reasoningTokens</c> the AI SDK
        /// reports as 0 when the provider is silent and we omit (wire spec §19.6).
        /// </summary>
        public string Normalized()
        {
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            var copy = new JsonArray();
            foreach (var e in Events)
            {
                var clone = e.DeepClone().AsObject();
                foreach (var key in new[] { "messageId", "parentMessageId" })
                {
                    if (clone[key]?.GetValue<string>() is { } id)
                    {
                        if (!ids.TryGetValue(id, out var alias))
                        {
                            ids[id] = alias = $"id{ids.Count + 1}";
                        }
                        clone[key] = alias;
                    }
                }
                foreach (var usage in clone["usage"]?.AsArray() ?? [])
                {
                    usage!.AsObject().Remove("provider");
                    usage.AsObject().Remove("cachedInputTokens");
                    usage.AsObject().Remove("reasoningTokens");
                }
                copy.Add(Sorted(clone));
            }
            return copy.ToJsonString();
        }

        private static JsonNode? Sorted(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
            JsonArray a => new JsonArray([.. a.Select(Sorted)]),
            _ => node?.DeepClone(),
        };
    }
}
