using System.Text.Json;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// What an earlier version of the Redis runner wrote to Redis, as Redis commands (<c>Fixtures/redis-format-*.json</c>,
/// made by <c>eng/capture-redis-format-fixture.sh</c> from that version's code; the file's note says what it holds).
/// <see cref="Phase1"/> is the state with runs finished, streaming and orphaned; <see cref="Phase2"/> is what that
/// version wrote next to finish the streaming run (key prefix <c>fx:</c>).
/// </summary>
public sealed class RedisFormatFixture
{
    private RedisFormatFixture(string commit, List<string[]> phase1, List<string[]> phase2)
    {
        Commit = commit;
        Phase1 = phase1;
        Phase2 = phase2;
    }

    public const string KeyPrefix = "fx:";

    public string Commit { get; }

    public IReadOnlyList<string[]> Phase1 { get; }

    public IReadOnlyList<string[]> Phase2 { get; }

    public static RedisFormatFixture Load(string commit)
    {
        var name = $"CopilotAspire.Tests.Runners.Fixtures.redis-format-{commit}.json";
        using var stream = typeof(RedisFormatFixture).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException("No embedded fixture " + name);
        using var document = JsonDocument.Parse(stream);
        static List<string[]> Commands(JsonElement list) => [.. list.EnumerateArray().Select(c => c.EnumerateArray().Select(p => p.GetString()!).ToArray())];
        return new RedisFormatFixture(document.RootElement.GetProperty("commit").GetString()!, Commands(document.RootElement.GetProperty("phase1")), Commands(document.RootElement.GetProperty("phase2")));
    }

    /// <summary>Runs <paramref name="commands"/> in order, as the version that wrote them did.</summary>
    public static async Task ApplyAsync(IDatabase db, IEnumerable<string[]> commands)
    {
        foreach (var command in commands)
        {
            await db.ExecuteAsync(command[0], [.. command.Skip(1).Select(a => (object)a)]);
        }
    }
}
