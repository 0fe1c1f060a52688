using System.Diagnostics;
using CopilotAspire.Testing;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Packaging;

/// <summary>
/// The packed libraries (<c>CopilotAspire.Packages.slnf</c>) in a folder feed of their own, packed once from the Release
/// build the tests run on (<c>--no-build</c>) with a version of their own, so a host restoring them can never get an
/// older copy from the machine's NuGet cache. Removes the feed and that version's cache folders afterwards.
/// </summary>
public sealed class LocalPackageFeed : IAsyncLifetime
{
    /// <summary>The package ids, in dependency order.</summary>
    public static readonly string[] PackageIds = ["CopilotAspire.Runtime", "CopilotAspire.Runtime.Redis", "CopilotAspire.Runtime.AgentFramework"];

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "copilotaspire-feed-" + Guid.NewGuid().ToString("N"));

    /// <summary>A pre-release of the repository's version (Directory.Build.props) that no other run uses.</summary>
    public string Version { get; } = "0.1.0-test." + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The machine's global packages folder, once a restore has named it (see <see cref="PackagedHostTests"/>).</summary>
    public string? GlobalPackagesFolder { get; set; }

    public string Package(string id) => Path.Combine(Folder, $"{id}.{Version}.nupkg");

    public string SymbolPackage(string id) => Path.Combine(Folder, $"{id}.{Version}.snupkg");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        var pack = new ProcessStartInfo("dotnet") { WorkingDirectory = NodeClient.RepoRoot() };
        foreach (var argument in new[] { "pack", "CopilotAspire.Packages.slnf", "-c", "Release", "--no-build", "-o", Folder, "-p:PackageVersion=" + Version, "-nologo" })
        {
            pack.ArgumentList.Add(argument);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var (exitCode, stdout, stderr) = await ProcessRun.RunAsync(pack, timeout.Token);
        if (exitCode != 0 || PackageIds.Any(id => !File.Exists(Package(id))))
        {
            throw new InvalidOperationException($"dotnet pack failed ({exitCode}):\n{stdout}\n{stderr}");
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
        foreach (var id in PackageIds)
        {
            var cached = GlobalPackagesFolder is null ? null : Path.Combine(GlobalPackagesFolder, id.ToLowerInvariant(), Version);
            if (cached is not null && Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
        return ValueTask.CompletedTask;
    }
}
