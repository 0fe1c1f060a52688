using System.Text.RegularExpressions;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Docs;

/// <summary>
/// Every section the code cites ("wire spec §4.3", "(§13, cases 57–68)", "scripted-agent.md §1.2") exists in the
/// specs under <c>docs/spec/</c>, so a reader can follow each citation in the repository itself.
/// </summary>
[Kind(TestKind.Fast)]
public sealed partial class SpecCitationTests
{
    private static readonly string[] CodeExtensions = [".cs", ".ts", ".tsx", ".mjs", ".js", ".sh", ".csproj", ".props"];

    [Fact]
    public void Every_section_cited_in_code_is_in_the_specs()
    {
        var root = NodeClient.RepoRoot();
        var wire = Sections(Path.Combine(root, "docs", "spec", "copilot-runtime-wire.md"));
        var scripted = Sections(Path.Combine(root, "docs", "spec", "scripted-agent.md"));

        var citations = new List<(string File, string Section, bool Scripted)>();
        foreach (var file in CodeFiles(root))
        {
            foreach (var line in File.ReadLines(file))
            {
                foreach (Match m in Citation().Matches(line))
                {
                    var isScripted = line[..m.Index].Contains("scripted-agent", StringComparison.Ordinal);
                    citations.Add((Path.GetRelativePath(root, file), m.Groups[1].Value.TrimEnd('.'), isScripted));
                }
            }
        }

        Assert.True(citations.Count >= 20, $"only {citations.Count} citations found: the scan is broken");
        var unresolved = citations.Where(c => !(c.Scripted ? scripted : wire).Contains(c.Section))
            .Select(c => $"{c.File}: §{c.Section} ({(c.Scripted ? "scripted-agent" : "wire")} spec)").Distinct().ToList();
        Assert.True(unresolved.Count == 0, "Citations with no section in docs/spec:\n" + string.Join("\n", unresolved));
    }

    /// <summary>The section numbers of a spec: every number that starts a heading, or follows a wide gap in one ("2.7 … 2.8").</summary>
    private static HashSet<string> Sections(string path)
    {
        var sections = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path).Where(l => l.StartsWith('#')))
        {
            foreach (Match m in HeadingNumber().Matches(line))
            {
                sections.Add(m.Groups[1].Value);
            }
        }
        return sections;
    }

    private static IEnumerable<string> CodeFiles(string root)
    {
        var skipped = new[] { "bin", "obj", "node_modules", "artifacts", ".git", "dist", "TestResults" };
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                if (!skipped.Contains(Path.GetFileName(sub)))
                {
                    pending.Push(sub);
                }
            }
            foreach (var file in Directory.EnumerateFiles(dir).Where(f => CodeExtensions.Contains(Path.GetExtension(f))))
            {
                yield return file;
            }
        }
    }

    [GeneratedRegex(@"§\s?(\d+(?:\.\d+)*)")]
    private static partial Regex Citation();

    [GeneratedRegex(@"(?:^#+\s+|\s{2,})(\d+(?:\.\d+)*)\.?\s")]
    private static partial Regex HeadingNumber();
}
