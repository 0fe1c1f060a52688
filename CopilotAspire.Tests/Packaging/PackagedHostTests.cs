using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using CopilotAspire.Testing;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Packaging;

/// <summary>
/// The libraries as a .NET team gets them (docs/packages.md): packed into a folder feed, then a host of its own in a
/// temporary folder, with a nuget.config naming that feed beside the machine's usual sources, references the packages
/// alone (no project references), is built, started on a free loopback port and chatted with through the Redis runner.
/// </summary>
[Kind(TestKind.Process)] // packs, builds and starts processes, uses redis-server
public sealed class PackagedHostTests(LocalPackageFeed feed, RedisServerFixture redis) : IClassFixture<LocalPackageFeed>, IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Each_package_carries_its_readme_licence_xml_docs_symbols_commit_and_its_siblings_version()
    {
        foreach (var id in LocalPackageFeed.PackageIds)
        {
            using var package = ZipFile.OpenRead(feed.Package(id));
            var entries = package.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("README.md", entries);
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.xml", entries);

            var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName == id + ".nuspec").Open());
            XNamespace ns = nuspec.Root!.Name.NamespaceName;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal(feed.Version, (string?)metadata.Element(ns + "version"));
            Assert.Equal("README.md", (string?)metadata.Element(ns + "readme"));
            Assert.NotEqual("Package Description", (string?)metadata.Element(ns + "description")); // the SDK's placeholder
            var license = metadata.Element(ns + "license"); // LICENSE at the repository root; PackageLicenseExpression in Directory.Build.props
            Assert.Equal("expression", (string?)license?.Attribute("type"));
            Assert.Equal("MIT", (string?)license);
            var repository = metadata.Element(ns + "repository")!;
            Assert.Equal("git", (string?)repository.Attribute("type"));
            Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit"));
            var dependencies = metadata.Descendants(ns + "dependency").ToDictionary(d => (string)d.Attribute("id")!, d => (string?)d.Attribute("version"));
            if (id != "CopilotAspire.Runtime")
            {
                Assert.Equal(feed.Version, dependencies["CopilotAspire.Runtime"]);
            }

            using var symbols = ZipFile.OpenRead(feed.SymbolPackage(id));
            Assert.Contains($"lib/net10.0/{id}.pdb", symbols.Entries.Select(e => e.FullName));
        }

        using var runtime = ZipFile.OpenRead(feed.Package("CopilotAspire.Runtime"));
        using var docs = new StreamReader(runtime.GetEntry("lib/net10.0/CopilotAspire.Runtime.xml")!.Open());
        Assert.Contains("M:Microsoft.Extensions.Hosting.CopilotRuntimeHostingExtensions.AddCopilotRuntime(", docs.ReadToEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_built_from_the_packages_alone_runs_a_scripted_chat_on_the_Redis_runner()
    {
        var folder = Path.Combine(Path.GetTempPath(), "copilotaspire-host-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            WriteHost(folder);
            var build = new ProcessStartInfo("dotnet") { WorkingDirectory = folder };
            foreach (var argument in new[] { "build", "PackagedHost.csproj", "-c", "Release", "-nologo" })
            {
                build.ArgumentList.Add(argument);
            }
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct))
            {
                timeout.CancelAfter(TimeSpan.FromMinutes(10));
                var (exitCode, stdout, stderr) = await ProcessRun.RunAsync(build, timeout.Token);
                Assert.True(exitCode == 0, $"dotnet build of the host failed ({exitCode}):\n{stdout}\n{stderr}");
            }

            // The restore took every CopilotAspire assembly from the feed's packages, at the version packed for this run.
            var assets = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "obj", "project.assets.json"), Ct))!;
            feed.GlobalPackagesFolder = assets["packageFolders"]!.AsObject().Select(p => p.Key).First();
            var libraries = assets["libraries"]!.AsObject();
            foreach (var id in LocalPackageFeed.PackageIds)
            {
                Assert.Equal("package", (string?)libraries[$"{id}/{feed.Version}"]?["type"]);
            }
            Assert.DoesNotContain(libraries, l => (string?)l.Value!["type"] == "project");

            await using var host = await ApiProcess.StartAsync(new Dictionary<string, string>
            {
                ["CopilotRuntime__Runner"] = "Redis",
                ["ConnectionStrings__redis"] = redis.ConnectionString,
            }, Ct, assembly: "PackagedHost", workingDirectory: Path.Combine(folder, "bin", "Release", "net10.0"));

            using var run = await host.PostAsync("/api/copilotkit/agent/scripted/run", RunBodies.Input("t-packaged", "r1", "hi"), Ct);
            var events = (await Sse.ReadAllAsync(run, Ct)).Events();
            Assert.Equal("RUN_STARTED", (string?)events[0]["type"]);
            Assert.Equal("RUN_FINISHED", (string?)events[^1]["type"]);
            Assert.Equal("Hello from scripted", string.Concat(events.Where(e => (string?)e["type"] == "TEXT_MESSAGE_CONTENT").Select(e => (string?)e["delta"])));

            // The run is in Redis: a connect replays it from there.
            await using var connection = await redis.ConnectAsync();
            Assert.NotEmpty(connection.GetServers()[0].Keys(pattern: "*t-packaged*"));
            using var connect = await host.PostAsync("/api/copilotkit/agent/scripted/connect", RunBodies.Input("t-packaged", "r2", ""), Ct);
            var replay = (await Sse.ReadAllAsync(connect, Ct)).Events();
            Assert.Equal("RUN_FINISHED", (string?)replay[^1]["type"]);
            Assert.Equal("Hello from scripted", string.Concat(replay.Where(e => (string?)e["type"] == "TEXT_MESSAGE_CONTENT").Select(e => (string?)e["delta"]))); // compacted when stored
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The host a .NET team would write: a nuget.config adding the feed, a project with three package references, Program.cs.</summary>
    private void WriteHost(string folder)
    {
        // No <clear/>: the machine's own NuGet configuration (its user-level sources) still serves every other package.
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="copilotaspire-local" value="{feed.Folder}" />
              </packageSources>
            </configuration>
            """);
        var references = string.Concat(LocalPackageFeed.PackageIds.Select(id => $"""
                <PackageReference Include="{id}" Version="{feed.Version}" />

            """));
        File.WriteAllText(Path.Combine(folder, "PackagedHost.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), """
            var builder = WebApplication.CreateBuilder(args);
            builder.AddCopilotRuntime().AddAgentsFromConfiguration();
            builder.AddAgentRunnerFromConfiguration();

            var app = builder.Build();
            app.MapCopilotRuntime();
            app.Run();
            """);
    }
}
