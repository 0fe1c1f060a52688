using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;

namespace CopilotAspire.Tests.Runners;

/// <summary>A thread's scope is part of its Redis keys, encoded so that no scope and thread id can reach another's keys.</summary>
[Kind(TestKind.Fast)]
public sealed class ThreadKeyTests
{
    [Fact]
    public void Scoped_and_unscoped_threads_get_disjoint_hash_tags()
    {
        Assert.Equal("t:t1", new RedisThreadKeys("p:", "t1").Tag);
        Assert.Equal("s:alice/t1", new RedisThreadKeys("p:", new ThreadKey("t1", "alice")).Tag);
        Assert.Equal("p:{s:alice/t1}:lock", (string)new RedisThreadKeys("p:", new ThreadKey("t1", "alice")).Lock!);

        // A scope or id that could break out of its place ('/', braces, a long value) is hashed.
        var tags = new[]
        {
            new ThreadKey("b/t1", "a"),
            new ThreadKey("t1", "a/b"),
            new ThreadKey("t1}:lock", "alice"),
            new ThreadKey("t1", "alice}{t:x"),
            new ThreadKey("s:alice/t1"),
            new ThreadKey("t1", "alice"),
            new ThreadKey("t1", "bob"),
            new ThreadKey("t1"),
            new ThreadKey("alice/t1"),
            new ThreadKey("t1", new string('a', 200)),
        }.Select(k => new RedisThreadKeys("p:", k).Tag).ToList();
        Assert.Equal(tags.Count, tags.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tags, t => Assert.DoesNotContain('}', t));
        Assert.All(tags, t => Assert.True(t.Count(c => c == '/') <= 1, t));
        var hashedScope = new RedisThreadKeys("p:", new ThreadKey("t1", "a/b")).Tag;
        Assert.StartsWith("s:#", hashedScope, StringComparison.Ordinal);
        Assert.EndsWith("/t1", hashedScope, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("nul\u0000")]
    public void A_scope_with_control_characters_or_empty_is_refused(string scope) =>
        Assert.Throws<ArgumentException>(() => new RedisThreadKeys("p:", new ThreadKey("t1", scope)));
}
