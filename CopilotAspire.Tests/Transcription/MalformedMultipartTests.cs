using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using static CopilotAspire.Tests.Transcription.TranscriberForms;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// Bodies that claim <c>multipart/form-data</c> but are not valid multipart, on the runtime's <c>/transcribe</c>
/// (REST, and the single route's JSON form) and on the Transcriber's <c>/v1/audio/transcriptions</c>: a 400 in each
/// endpoint's error shape, never a 500; an upload the client abandons is logged at debug, without a stack trace.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class MalformedMultipartTests
{
    private const string Rest = "api/copilotkit/transcribe";
    private const string Boundary = "b0undary";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Malformed bodies, each sent with <c>Content-Type: multipart/form-data; boundary=b0undary</c>.</summary>
    public static TheoryData<string, byte[]> Bodies() => new()
    {
        { "truncated after the part headers", Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF") },
        { "truncated inside the part headers", Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-da") },
        { "another boundary", Encoding.ASCII.GetBytes("--other\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--other--\r\n") },
        { "garbage", Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray() },
        { "empty", [] },
        { "headers without an end", Encoding.ASCII.GetBytes($"--{Boundary}\r\n" + new string('x', 20_000)) },
    };

    private static ByteArrayContent Malformed(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={Boundary}");
        return content;
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task The_runtime_answers_malformed_multipart_with_400_invalid_request(string kind, byte[] body)
    {
        var service = new RecordingTranscriptionService();
        await using var host = await RuntimeTranscribeHost.StartAsync(service);

        using var response = await host.Client.PostAsync(Rest, Malformed(body), Ct);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{kind}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        Assert.Equal("invalid_request", json.RootElement.GetProperty("error").GetString());
        Assert.False(json.RootElement.GetProperty("retryable").GetBoolean());
        Assert.Null(service.Last);

        // The single route carries audio as JSON: a broken envelope is its malformed body, also a 400.
        using var single = await host.Client.PostAsync("api/copilotkit-single",
            new StringContent("{\"method\":\"transcribe\",\"body\":{\"audio\":\"", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, single.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task The_Transcriber_answers_malformed_multipart_with_an_OpenAI_shaped_400(string kind, byte[] body)
    {
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());

        using var response = await server.Http.TranscribeAsync(Malformed(body));

        var error = await response.ErrorAsync(400);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()), kind);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_client_that_aborts_mid_upload_to_the_runtime_is_never_logged_as_an_error()
    {
        var logs = new CapturingLoggerProvider();
        var service = new RecordingTranscriptionService();
        await using var host = await RuntimeTranscribeHost.StartAsync(service, configure: logs.AddTo);

        await AbortMidUploadAsync(logs, host.BaseAddress, "/" + Rest, "audio");
        // Kestrel reports the reset as a reset connection, a body cut short or a truncated form, whichever it sees
        // first; the request always finishes (logged by hosting), and never with an error.
        await WaitForRequestFinishedAsync(logs, "/" + Rest);

        // The next request is served normally, and nothing about the aborted one was logged as an error.
        var blob = new ByteArrayContent([1, 2, 3]);
        blob.Headers.TryAddWithoutValidation("Content-Type", "audio/webm");
        using var next = await host.Client.PostAsync(Rest, new MultipartFormDataContent { { blob, "audio", "recording.webm" } }, Ct);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.All(logs.Entries.Where(e => IsAbortLine(e.Message)), e => Assert.True(e.Level == LogLevel.Debug && e.Exception is null, e.ToString()));
    }

    private static bool IsAbortLine(string message) =>
        message.StartsWith("Transcription upload aborted by the client", StringComparison.Ordinal)
        || message.StartsWith("Transcription upload could not be read", StringComparison.Ordinal)
        || (message.StartsWith("The client of /", StringComparison.Ordinal) && message.Contains("went away", StringComparison.Ordinal))
        || message.StartsWith("The request body of /", StringComparison.Ordinal);

    [Fact(Timeout = 60_000)]
    public async Task A_client_that_aborts_mid_upload_to_the_Transcriber_is_never_logged_as_an_error_and_frees_its_slot()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine(), new Dictionary<string, string?>
        {
            ["Transcriber:MaxConcurrentTranscriptions"] = "1",
            ["Transcriber:MaxQueuedTranscriptions"] = "0",
        }, logs);

        await AbortMidUploadAsync(logs, server.BaseAddress, "/v1/audio/transcriptions", "file");
        await WaitForRequestFinishedAsync(logs, "/v1/audio/transcriptions");

        // With one slot and no queue, a slot the aborted upload kept would make this a 429.
        using var next = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16)));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.All(logs.Entries.Where(e => e.Message.Contains("aborted by the client", StringComparison.Ordinal)),
            e => Assert.True(e.Level == LogLevel.Debug && e.Exception is null, e.ToString()));
    }

    /// <summary>Waits until hosting logs the end of the aborted request (whatever Kestrel made of the reset), showing what was logged if it never ends.</summary>
    private static async Task WaitForRequestFinishedAsync(CapturingLoggerProvider logs, string path)
    {
        try
        {
            await logs.WaitForAsync(e => e.Message.StartsWith("Request finished", StringComparison.Ordinal) && e.Message.Contains(path, StringComparison.Ordinal), Ct)
                .WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }
        catch (TimeoutException)
        {
            Assert.Fail("The aborted request never finished. Logged:\n" + string.Join("\n", logs.Lines));
        }
    }

    /// <summary>Sends the headers and half of a declared body on a raw socket, waits until the server has the request, then resets the connection.</summary>
    private static async Task AbortMidUploadAsync(CapturingLoggerProvider logs, Uri server, string path, string field)
    {
        var part = Encoding.ASCII.GetBytes(
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n");
        var head = Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: multipart/form-data; boundary={Boundary}\r\nContent-Length: {part.Length + 100_000}\r\n\r\n");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host, server.Port, Ct);
        await socket.SendAsync(head, Ct);
        await socket.SendAsync(part, Ct);
        await socket.SendAsync(new byte[50_000], Ct);
        // Hosting logs "Request starting" before the endpoint reads the body; the rest of the body never comes.
        await logs.WaitForAsync(e => e.Message.StartsWith("Request starting", StringComparison.Ordinal) && e.Message.Contains(path, StringComparison.Ordinal), Ct);
        socket.LingerState = new LingerOption(true, 0); // RST, as a dropped connection
        socket.Close();
    }
}
