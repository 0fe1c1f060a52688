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

    private readonly ChildProcess _process;

    private NodeTranscriptionServer(ChildProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>The OpenAI base URL (<c>http://127.0.0.1:port/v1</c>).</summary>
    public Uri BaseAddress { get; }

    public static async Task<NodeTranscriptionServer> StartAsync(CancellationToken cancellationToken)
    {
        var process = ChildProcess.Start(new ProcessStartInfo("node", ["openai-transcription-server.mjs"]) { WorkingDirectory = Directory });
        try
        {
            var line = await process.WaitForLineAsync(l => l.StartsWith("listening ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);
            var port = int.Parse(line["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            return new NodeTranscriptionServer(process, new Uri($"http://127.0.0.1:{port}/v1"));
        }
        catch
        {
            await process.DisposeAsync();
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
            var (_, stdout, stderr) = await ProcessRun.RunAsync(new ProcessStartInfo("node", ["parse-form.mjs", file, contentType]) { WorkingDirectory = Directory },
                cancellationToken);
            var output = stdout.Trim();
            Assert.True(output.Length > 0, $"node printed nothing; stderr: {stderr}");
            using var json = JsonDocument.Parse(output);
            return json.RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
