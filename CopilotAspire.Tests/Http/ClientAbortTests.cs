using System.Net.Sockets;
using System.Text;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Tests.Transcription;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Tests.Http;

/// <summary>A client that goes away (mid-upload, mid-stream) is logged at debug, never as an error; its run goes on.</summary>
[Kind(TestKind.Fast)]
public sealed class ClientAbortTests
{
    private const string Category = "CopilotAspire.Runtime.Http";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(RuntimeTestHost Host, CapturingLoggerProvider Logs)> StartAsync()
    {
        var logs = new CapturingLoggerProvider();
        var host = await RuntimeTestHost.StartAsync(runtime => logs.AddTo(runtime.WithTranscriptionService(new RecordingTranscriptionService()).Services));
        return (host, logs);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("/api/copilotkit/agent/scripted/run")]
    [InlineData("/api/copilotkit/agent/scripted/connect")]
    [InlineData("/api/copilotkit/agent/scripted/stop/t1")]
    [InlineData("/api/copilotkit-single")]
    [InlineData("/api/copilotkit/transcribe")]
    public async Task Aborting_mid_body_is_logged_at_debug(string path)
    {
        var (host, logs) = await StartAsync();
        await using (host)
        {
            var read = logs.WaitForAsync(r => r.Level == LogLevel.Debug && r.Category.StartsWith("CopilotAspire.Runtime", StringComparison.Ordinal)
                && new[] { "could not be read", "went away", "aborted" }.Any(m => r.Message.Contains(m, StringComparison.Ordinal)), Ct);
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port, Ct);
                var stream = client.GetStream();
                var head = $"POST {path} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head + """{"threadId":"aborted","runId":"r1","messages":[{"id":"u1","role":"user","content":"hi"""), Ct);
                await stream.FlushAsync(Ct);
            }
            await read; // the runtime's "request body … could not be read" / "client … went away", or the transcription handler's "upload aborted"

            // The server is fine and nothing was stored.
            var (_, replay) = await host.PostSseAsync("/api/copilotkit/agent/scripted/connect", RuntimeTestHost.Input("aborted", "c"), Ct);
            Assert.Empty(replay);
        }
        Assert.DoesNotContain(logs.Entries, NotQuiet);
    }

    [Fact(Timeout = 30_000)]
    public async Task Aborting_mid_stream_is_logged_at_debug_and_the_run_goes_on()
    {
        var (host, logs) = await StartAsync();
        await using (host)
        {
            var gone = logs.WaitForAsync(r => r.Category == Category && r.Level == LogLevel.Debug && r.Message.Contains("went away", StringComparison.Ordinal), Ct);
            using (var client = new TcpClient())
            {
                // A raw socket, closed with the response half read (HttpClient would drain it to reuse the connection).
                await client.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port, Ct);
                var stream = client.GetStream();
                var body = Encoding.UTF8.GetBytes(RuntimeTestHost.Input("mid-stream", "r1", """[{"id":"u1","role":"user","content":"tokens:40 delay:25"}]"""));
                var head = $"POST /api/copilotkit/agent/scripted/run HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray(), Ct);
                var received = new StringBuilder();
                var buffer = new byte[4096];
                while (!received.ToString().Contains("TEXT_MESSAGE_CONTENT", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, Ct);
                    Assert.NotEqual(0, read);
                    received.Append(Encoding.UTF8.GetString(buffer, 0, read));
                }
                client.Client.LingerState = new LingerOption(true, 0); // close with a reset, as a killed browser tab does
            }
            await gone;

            // The run went on to the end: connect tails it until it finishes.
            var (_, replay) = await host.PostSseAsync("/api/copilotkit/agent/scripted/connect", RuntimeTestHost.Input("mid-stream", "c"), Ct);
            Assert.Equal(40, replay.Types().Count(t => t == "TEXT_MESSAGE_CONTENT"));
            Assert.Equal("RUN_FINISHED", replay.Types()[^1]);
        }
        Assert.DoesNotContain(logs.Entries, NotQuiet);
    }

    /// <summary>
    /// A warning or error about the abort: any error, or a warning of the runtime's own (the scripted agent's start-up
    /// notice aside). Kestrel's "heartbeat running long" warning on a starved machine is not about the abort.
    /// </summary>
    private static bool NotQuiet(LogEntry r) =>
        r.Level >= LogLevel.Error
        || (r.Level == LogLevel.Warning && r.Category.StartsWith("CopilotAspire", StringComparison.Ordinal) && !r.Message.Contains("'scripted' test agent", StringComparison.Ordinal));
}
