using System.Xml.Linq;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Conventions;

/// <summary>
/// What <c>Directory.Build.props</c> promises the packed libraries (docs/packages.md): every public member documented
/// (a missing doc comment fails their build), and the MIT licence the repository's <c>LICENSE</c> grants. The packages
/// themselves are checked by <c>PackagedHostTests</c>; this catches a settings change before anything is packed.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class PackageConventionsTests
{
    private static readonly XDocument Props = XDocument.Load(Path.Combine(NodeClient.RepoRoot(), "Directory.Build.props"));

    /// <summary>The property group that applies to the packed projects only.</summary>
    private static XElement PackedGroup() =>
        Props.Root!.Elements("PropertyGroup").Single(g => ((string?)g.Attribute("Condition"))?.Contains("CopilotAspire.Runtime.Redis", StringComparison.Ordinal) == true);

    private static string Property(XElement group, string name) => string.Concat(group.Elements(name).Select(e => e.Value));

    [Fact]
    public void A_public_member_without_docs_fails_the_build_of_the_packed_libraries()
    {
        var packed = PackedGroup();
        Assert.Equal("true", Property(packed, "GenerateDocumentationFile"));
        var global = Props.Root!.Elements("PropertyGroup").First(g => g.Attribute("Condition") is null);
        Assert.Equal("true", Property(global, "TreatWarningsAsErrors"));

        var suppressed = Props.Root!.Elements("PropertyGroup").SelectMany(g => g.Elements("NoWarn").Concat(g.Elements("WarningsNotAsErrors")))
            .SelectMany(e => e.Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("CS1591", suppressed); // a public member without a doc comment
        Assert.DoesNotContain("CS1573", suppressed); // a parameter without its tag while others have one
        Assert.DoesNotContain("CS1570", suppressed); // badly formed XML
        Assert.DoesNotContain("CS1574", suppressed); // a cref that does not resolve
    }

    [Fact]
    public void The_packages_declare_the_MIT_licence_of_the_repository()
    {
        Assert.Equal("MIT", Property(PackedGroup(), "PackageLicenseExpression"));
        var licence = File.ReadAllLines(Path.Combine(NodeClient.RepoRoot(), "LICENSE"));
        Assert.Equal("MIT License", licence[0]);
        Assert.Contains("Copyright (c) 2026 CopilotAspire contributors", licence);
    }
}
