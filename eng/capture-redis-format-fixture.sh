#!/usr/bin/env bash
# Captures what the Redis runner of an earlier commit writes to Redis, as a test fixture of Redis commands: the
# rolling-upgrade tests (RedisFormatUpgradeTests) load it into a real redis-server and have today's runner read it.
#
#   eng/capture-redis-format-fixture.sh <commit> <output.json>
#
# The commit's tree is exported to a temporary directory (git archive; nothing of it is kept), a small program
# (below) is built against its CopilotAspire.Runtime.Redis, and run against a private redis-server on a free
# loopback port (stopped by its pid). The program, with key prefix "fx:":
#   - thread fx-done: two finished runs (r1 with message u1, r2 with u1 and u2), each an agent's full run;
#   - thread fx-live: run r1 (message u1) streaming 3 of its 6 text tokens, then waiting;
#   - thread fx-orphan: run r1 that opened a text message and a tool call, then waits (never finishes);
# then dumps every "fx:" key as commands ("phase1"); lets fx-live finish and dumps again, writing the difference
# as commands ("phase2": what the old replica wrote to end that run, then its "end" wake-up).
set -euo pipefail
commit=${1:?commit}; output=$(realpath -m "${2:?output file}")
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
git -C "$repo" archive "$commit" | tar -x -C "$work"
mkdir "$work/FixtureCapture"
cat > "$work/FixtureCapture/FixtureCapture.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <NoWarn>$(NoWarn);CA1031;CA1303;CA1307;CA1849;CA2007;CA2000;CA1305;CA1310;CA1812;CA1852;CS1591;IDE0005;IDE0008;IDE0011;IDE0058;IDE0161</NoWarn>
    <EnforceCodeStyleInBuild>false</EnforceCodeStyleInBuild>
    <IsPackable>false</IsPackable>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="../CopilotAspire.Runtime.Redis/CopilotAspire.Runtime.Redis.csproj" />
  </ItemGroup>
</Project>
XML
cat > "$work/FixtureCapture/Program.cs" <<'CS'
using System.Runtime.CompilerServices;
using System.Text.Json;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

var (port, output, commit) = (args[0], args[1], args[2]);
await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
var db = redis.GetDatabase();
var runner = new RedisAgentRunner(redis, Options.Create(new RedisAgentRunnerOptions { KeyPrefix = "fx:" }));

static AgentRunRequest Request(string thread, string run, AbstractAgent agent, params string[] messageIds) => new(thread, "test", agent,
    new RunAgentInput { ThreadId = thread, RunId = run, Messages = messageIds.Select(id => (Message)Message.User(id, "text of " + id)).ToList(), Tools = [], Context = [] });

static async Task<List<RunnerEvent>> ReadAll(IAsyncEnumerable<RunnerEvent> stream)
{
    var all = new List<RunnerEvent>();
    await foreach (var e in stream) all.Add(e);
    return all;
}

async Task WaitWritten(string thread, long count)
{
    var active = $"fx:{{t:{thread}}}:active";
    while ((long?)await db.HashGetAsync(active, "n") is not { } n || n < count) await Task.Delay(20);
}

await ReadAll(await runner.RunAsync(Request("fx-done", "r1", new FixedAgent(), "u1"), default));
await ReadAll(await runner.RunAsync(Request("fx-done", "r2", new FixedAgent(), "u1", "u2"), default));

var gated = new GatedAgent(6);
var live = (await runner.RunAsync(Request("fx-live", "r1", gated, "u1"), default)).GetAsyncEnumerator();
gated.Release(3);
await WaitWritten("fx-live", 5); // RUN_STARTED, TEXT_MESSAGE_START, 3 x TEXT_MESSAGE_CONTENT

var orphan = (await runner.RunAsync(Request("fx-orphan", "r1", new HangingAgent(), "u1"), default)).GetAsyncEnumerator();
await WaitWritten("fx-orphan", 5);

var phase1 = await Snapshot();
gated.Release(3);
while (await live.MoveNextAsync()) { }
while (await db.KeyExistsAsync("fx:{t:fx-live}:active")) await Task.Delay(20);
var phase2 = await Snapshot();

var commands = new List<List<string>>();
var deletes = new List<List<string>>();
foreach (var (key, (type, items)) in phase2)
{
    phase1.TryGetValue(key, out var before);
    switch (type)
    {
        case "stream":
            commands.AddRange(items.Where(i => before.Items is null || !before.Items.Any(b => b[2] == i[2])));
            break;
        case "list" when before.Items is { } old && old[0].Count <= items[0].Count && old[0].SequenceEqual(items[0].Take(old[0].Count)):
            if (items[0].Count > old[0].Count) commands.Add(items[0].Take(2).Concat(items[0].Skip(old[0].Count)).ToList());
            break;
        default:
            if (before.Items is null || !before.Items[0].SequenceEqual(items[0])) { deletes.Add(["DEL", key]); commands.AddRange(items); }
            break;
    }
}
foreach (var key in phase1.Keys.Where(k => !phase2.ContainsKey(k))) commands.Add(["DEL", key]);
commands.InsertRange(0, deletes);
commands.Add(["PUBLISH", "fx:{t:fx-live}:notify", "end"]);

await using (var file = File.Create(output))
using (var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
{
    writer.WriteStartObject();
    writer.WriteString("note", $"Redis commands that reproduce what the Redis runner of commit {commit} wrote (key prefix fx:), made by eng/capture-redis-format-fixture.sh: phase1 is the state with thread fx-done's two runs finished, fx-live's run r1 mid-stream (5 of its events written; lock held) and fx-orphan's run r1 waiting (5 events); phase2 is what that runner then wrote to finish fx-live's run. Values such as lock tokens and owner ids are as that run made them.");
    writer.WriteString("commit", commit);
    foreach (var (name, list) in new[] { ("phase1", phase1.Values.SelectMany(v => v.Items).ToList()), ("phase2", commands) })
    {
        writer.WriteStartArray(name);
        foreach (var command in list)
        {
            writer.WriteStartArray();
            foreach (var part in command) writer.WriteStringValue(part);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
    writer.WriteEndObject();
}
Console.WriteLine($"wrote {output}: {phase1.Count} keys, phase2 {commands.Count} commands");
Environment.Exit(0); // the orphan run stays open: exit without stopping it

async Task<SortedDictionary<string, (string Type, List<List<string>> Items)>> Snapshot()
{
    var result = new SortedDictionary<string, (string, List<List<string>>)>(StringComparer.Ordinal);
    var server = redis.GetServer(redis.GetEndPoints()[0]);
    foreach (var key in server.Keys(pattern: "fx:*").Select(k => k.ToString()).Order(StringComparer.Ordinal))
    {
        var type = (await db.KeyTypeAsync(key)).ToString().ToLowerInvariant();
        List<List<string>> items = type switch
        {
            "string" => [new List<string> { "SET", key, (string)(await db.StringGetAsync(key))! }],
            "hash" => [new List<string> { "HSET", key }.Concat((await db.HashGetAllAsync(key)).SelectMany(e => new[] { (string)e.Name!, (string)e.Value! })).ToList()],
            "list" => [new List<string> { "RPUSH", key }.Concat((await db.ListRangeAsync(key)).Select(v => (string)v!)).ToList()],
            "stream" => (await db.StreamRangeAsync(key)).Select(e => new List<string> { "XADD", key, (string)e.Id! }.Concat(e.Values.SelectMany(v => new[] { (string)v.Name!, (string)v.Value! })).ToList()).ToList(),
            _ => throw new InvalidOperationException(key + ": " + type),
        };
        result[key] = (type, items);
    }
    return result;
}

sealed class FixedAgent : AbstractAgent
{
    public override AbstractAgent Clone() => this;

    public override async IAsyncEnumerable<AgUiEvent> RunAsync(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        var r = input.RunId;
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = r };
        yield return new StateSnapshotEvent { Snapshot = AgUiJson.Parse("""{"step":0}""") };
        yield return new TextMessageStartEvent { MessageId = r + "-text" };
        yield return new TextMessageContentEvent { MessageId = r + "-text", Delta = "Hello" };
        yield return new TextMessageContentEvent { MessageId = r + "-text", Delta = " wörld" };
        yield return new TextMessageEndEvent { MessageId = r + "-text" };
        yield return new ToolCallStartEvent { ToolCallId = r + "-tool", ToolCallName = "lookup", ParentMessageId = r + "-text" };
        yield return new ToolCallArgsEvent { ToolCallId = r + "-tool", Delta = "{\"q\":" };
        yield return new ToolCallArgsEvent { ToolCallId = r + "-tool", Delta = "1}" };
        yield return new ToolCallEndEvent { ToolCallId = r + "-tool" };
        yield return new ToolCallResultEvent { ToolCallId = r + "-tool", MessageId = r + "-result", Role = "tool", Content = "{\"ok\":true}" };
        yield return new StateDeltaEvent { Delta = AgUiJson.Parse("""[{"op":"replace","path":"/step","value":1}]""") };
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = r };
    }
}

sealed class GatedAgent(int tokens) : AbstractAgent
{
    private readonly SemaphoreSlim _gate = new(0);

    public void Release(int count) => _gate.Release(count);

    public override AbstractAgent Clone() => this;

    public override async IAsyncEnumerable<AgUiEvent> RunAsync(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        var id = input.RunId + "-text";
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new TextMessageStartEvent { MessageId = id };
        for (var i = 0; i < tokens; i++)
        {
            await _gate.WaitAsync(ct);
            yield return new TextMessageContentEvent { MessageId = id, Delta = i == 0 ? "t0" : $" t{i}" };
        }
        yield return new TextMessageEndEvent { MessageId = id };
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }
}

sealed class HangingAgent : AbstractAgent
{
    public override AbstractAgent Clone() => this;

    public override async IAsyncEnumerable<AgUiEvent> RunAsync(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        var r = input.RunId;
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = r };
        yield return new TextMessageStartEvent { MessageId = r + "-text" };
        yield return new TextMessageContentEvent { MessageId = r + "-text", Delta = "Working" };
        yield return new ToolCallStartEvent { ToolCallId = r + "-tool", ToolCallName = "slow", ParentMessageId = r + "-text" };
        yield return new ToolCallArgsEvent { ToolCallId = r + "-tool", Delta = "{}" };
        await Task.Delay(Timeout.Infinite, ct);
    }
}
CS
dotnet build "$work/FixtureCapture" -c Release -v q -nologo >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
server_pid=$!
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done
dotnet "$work/FixtureCapture/bin/Release/net10.0/FixtureCapture.dll" "$port" "$output" "$(git -C "$repo" rev-parse --short "$commit")"
