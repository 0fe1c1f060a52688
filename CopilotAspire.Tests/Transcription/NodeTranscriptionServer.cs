using System.Diagnostics;
using System.Text.Json;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// The Node side of the transcription tests (<c>clients/transcription</c>, plain Node, no packages): an
/// OpenAI-compatible server that parses uploads with Node's strict <c>Request.formData()</c>, and the same parser
/// run on a body the tests captured.
/// </summary>
public sealed class NodeTranscriptionServer : IAsyncDisposable
{
    private static readonly string Directory = Path.Combine(NodeClient.RepoRoot(), "clients", "transcription");

    private readonly Process _process;

    private NodeTranscriptionServer(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>The OpenAI base URL (<c>http://127.0.0.1:port/v1</c>).</summary>
    public Uri BaseAddress { get; }

    public static async Task<NodeTranscriptionServer> StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("node", ["openai-transcription-server.mjs"])
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken)
                ?? throw new InvalidOperationException("The Node server exited: " + await process.StandardError.ReadToEndAsync(cancellationToken));
            var port = int.Parse(line["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            return new NodeTranscriptionServer(process, new Uri($"http://127.0.0.1:{port}/v1"));
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>What Node's <c>Request.formData()</c> makes of <paramref name="body"/>: its entries, or the parser's error.</summary>
    public static async Task<JsonElement> ParseFormAsync(byte[] body, string contentType, CancellationToken cancellationToken)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, body, cancellationToken);
            using var process = Process.Start(new ProcessStartInfo("node", ["parse-form.mjs", file, contentType])
            {
                WorkingDirectory = Directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("node did not start");
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var output = (await stdout).Trim();
            Assert.True(output.Length > 0, $"node printed nothing; stderr: {await stderr}");
            using var json = JsonDocument.Parse(output);
            return json.RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(); // this process only, by its own pid
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
