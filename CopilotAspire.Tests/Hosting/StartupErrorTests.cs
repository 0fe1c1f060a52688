using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CopilotAspire.Tests.Hosting;

/// <summary>What a new user sees when the Api cannot start.</summary>
[Kind(TestKind.Process)]
public sealed class StartupErrorTests
{
    [Fact]
    public async Task A_port_already_in_use_is_one_line_naming_the_port_and_how_to_pick_another()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CopilotAspire.Api.dll"));
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        var (exitCode, stdout, stderr) = await ProcessRun.RunAsync(info, TestContext.Current.CancellationToken);
        var output = stdout + stderr;

        Assert.Equal(1, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains($"Port {port} is already in use", line, StringComparison.Ordinal);
        Assert.Contains("--urls http://127.0.0.1:" + (port + 1).ToString(CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
    }
}
