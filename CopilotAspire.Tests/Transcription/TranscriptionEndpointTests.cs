using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CopilotAspire.Runtime.Transcription;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// <c>POST {base}/transcribe</c> and single-route <c>transcribe</c> through the runtime's real endpoints on loopback,
/// with every body asserted byte for byte (wire spec §8.2, §13 cases 47–56 and 67).
/// </summary>
[Kind(TestKind.Fast)]
public sealed class TranscriptionEndpointTests
{
    private const string Rest = "api/copilotkit/transcribe";
    private const string Single = "api/copilotkit-single";
    private const string NotConfigured = """{"error":"service_not_configured","message":"Transcription service is not configured","retryable":false}""";
    private const string NoAudioField = """{"error":"invalid_request","message":"No audio file found in form data. Please include an 'audio' field.","retryable":false}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MultipartFormDataContent AudioForm(byte[] audio, string? type, string field = "audio", string fileName = "recording.webm")
    {
        var blob = new ByteArrayContent(audio);
        if (type is not null)
        {
            blob.Headers.TryAddWithoutValidation("Content-Type", type); // verbatim, as a browser sends Blob.type
        }
        return new MultipartFormDataContent { { blob, field, fileName } };
    }

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task AssertBodyAsync(HttpResponseMessage response, HttpStatusCode status, string body)
    {
        Assert.Equal(body, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
    }

    [Theory] // case 47: checked before anything else
    [InlineData("multipart")]
    [InlineData("json")]
    [InlineData("text")]
    public async Task Without_a_service_every_request_is_503_service_not_configured(string kind)
    {
        await using var host = await RuntimeTranscribeHost.StartAsync(service: null);
        HttpContent content = kind switch
        {
            "multipart" => AudioForm([1, 2, 3], "audio/webm"),
            "json" => JsonBody("""{"audio":"YWJj","mimeType":"audio/webm"}"""),
            _ => new StringContent("hello"),
        };
        using var response = await host.Client.PostAsync(Rest, content, Ct);
        await AssertBodyAsync(response, HttpStatusCode.ServiceUnavailable, NotConfigured);

        using var single = await host.Client.PostAsync(Single, JsonBody("""{"method":"transcribe","body":{"audio":"YWJj","mimeType":"audio/wav"}}"""), Ct);
        await AssertBodyAsync(single, HttpStatusCode.ServiceUnavailable, NotConfigured);
    }

    [Fact] // case 48, in the official client's shape: FormData field "audio", a Blob named recording.webm
    public async Task Multipart_audio_blob_is_transcribed()
    {
        var service = new RecordingTranscriptionService("hello from audio");
        await using var host = await RuntimeTranscribeHost.StartAsync(service);

        using var response = await host.Client.PostAsync(Rest, AudioForm("webm!!!"u8.ToArray(), "audio/webm"), Ct);

        await AssertBodyAsync(response, HttpStatusCode.OK, """{"text":"hello from audio","size":7,"type":"audio/webm"}""");
        Assert.Equal(new TranscribeFileOptions(service.Last!.Audio, "audio/webm", "recording.webm", 7), service.Last);
        Assert.Equal("webm!!!"u8.ToArray(), service.LastAudio);
    }

    [Fact] // case 52
    public async Task Codec_parameters_are_accepted_and_echoed()
    {
        var service = new RecordingTranscriptionService("ok");
        await using var host = await RuntimeTranscribeHost.StartAsync(service);

        using var response = await host.Client.PostAsync(Rest, AudioForm([1, 2, 3, 4, 5, 6], "audio/webm;codecs=opus", fileName: "clip.webm"), Ct);

        await AssertBodyAsync(response, HttpStatusCode.OK, """{"text":"ok","size":6,"type":"audio/webm;codecs=opus"}""");
        Assert.Equal("clip.webm", service.Last?.FileName);
    }

    [Theory] // case 51
    [InlineData(null)]
    [InlineData("application/octet-stream")]
    public async Task A_blob_without_a_specific_type_is_restamped_audio_webm(string? type)
    {
        var service = new RecordingTranscriptionService("ok");
        await using var host = await RuntimeTranscribeHost.StartAsync(service);

        using var response = await host.Client.PostAsync(Rest, AudioForm([1, 2, 3], type), Ct);

        await AssertBodyAsync(response, HttpStatusCode.OK, """{"text":"ok","size":3,"type":"audio/webm"}""");
        Assert.Equal("audio/webm", service.Last?.MimeType);
    }

    [Fact] // case 49
    public async Task Audio_under_another_field_or_as_text_is_400()
    {
        var service = new RecordingTranscriptionService();
        await using var host = await RuntimeTranscribeHost.StartAsync(service);

        using var wrongField = await host.Client.PostAsync(Rest, AudioForm([1, 2, 3], "audio/webm", field: "file"), Ct);
        await AssertBodyAsync(wrongField, HttpStatusCode.BadRequest, NoAudioField);

        using var text = await host.Client.PostAsync(Rest, new MultipartFormDataContent { { new StringContent("not a file"), "audio" } }, Ct);
        await AssertBodyAsync(text, HttpStatusCode.BadRequest, NoAudioField);
        Assert.Null(service.Last);
    }

    [Fact] // case 50
    public async Task An_unsupported_type_is_400_invalid_audio_format()
    {
        await using var host = await RuntimeTranscribeHost.StartAsync(new RecordingTranscriptionService());

        using var response = await host.Client.PostAsync(Rest, AudioForm([1, 2, 3], "image/png"), Ct);

        await AssertBodyAsync(response, HttpStatusCode.BadRequest,
            """{"error":"invalid_audio_format","message":"Unsupported audio format: image/png. Supported: audio/mpeg, audio/mp3, audio/mp4, audio/wav, audio/webm, audio/ogg, audio/flac, audio/aac","retryable":false}""");
    }

    [Fact] // case 53
    public async Task Json_base64_with_a_data_url_prefix_is_transcribed()
    {
        var service = new RecordingTranscriptionService("from json");
        await using var host = await RuntimeTranscribeHost.StartAsync(service);

        using var response = await host.Client.PostAsync(Rest, JsonBody("""{"audio":"data:audio/webm;base64,YWJjZGVm","mimeType":"audio/webm"}"""), Ct);

        await AssertBodyAsync(response, HttpStatusCode.OK, """{"text":"from json","size":6,"type":"audio/webm"}""");
        Assert.Equal("recording.webm", service.Last?.FileName);
        Assert.Equal("abcdef"u8.ToArray(), service.LastAudio);
    }

    [Theory] // case 54 (and the base64 failure of §8.2)
    [InlineData("""{"mimeType":"audio/webm"}""", "Request must include 'audio' field with base64-encoded audio data")]
    [InlineData("""{"audio":"","mimeType":"audio/webm"}""", "Request must include 'audio' field with base64-encoded audio data")]
    [InlineData("""{"audio":42,"mimeType":"audio/webm"}""", "Request must include 'audio' field with base64-encoded audio data")]
    [InlineData("""{"audio":"YWJj"}""", "Request must include 'mimeType' field (e.g., 'audio/webm')")]
    [InlineData("""{"audio":"YWJj","mimeType":""}""", "Request must include 'mimeType' field (e.g., 'audio/webm')")]
    [InlineData("""{"audio":"YWJj""", "Request body must be valid JSON")]
    [InlineData("""{"audio":"!!not base64!!","mimeType":"audio/webm"}""", "Failed to decode base64 audio data")]
    public async Task Json_body_errors_are_400_with_the_official_messages(string json, string message)
    {
        var service = new RecordingTranscriptionService();
        await using var host = await RuntimeTranscribeHost.StartAsync(service);

        using var response = await host.Client.PostAsync(Rest, JsonBody(json), Ct);

        await AssertBodyAsync(response, HttpStatusCode.BadRequest, $$"""{"error":"invalid_request","message":"{{message}}","retryable":false}""");
        Assert.Null(service.Last);
    }

    [Fact] // case 54
    public async Task Other_content_types_are_400()
    {
        await using var host = await RuntimeTranscribeHost.StartAsync(new RecordingTranscriptionService());

        using var response = await host.Client.PostAsync(Rest, new StringContent("hello"), Ct);

        await AssertBodyAsync(response, HttpStatusCode.BadRequest,
            """{"error":"invalid_request","message":"Request must be multipart/form-data or application/json with base64 audio","retryable":false}""");
    }

    public static TheoryData<string, HttpStatusCode, string> ProviderFailures => new()
    {
        { "rate_limited", HttpStatusCode.TooManyRequests, """{"error":"rate_limited","message":"Rate limited. Please try again later.","retryable":true}""" },
        { "auth_failed", HttpStatusCode.Unauthorized, """{"error":"auth_failed","message":"Authentication failed with transcription provider","retryable":false}""" },
        { "audio_too_long", HttpStatusCode.BadRequest, """{"error":"audio_too_long","message":"Audio file is too long","retryable":false}""" },
        { "invalid_audio_format", HttpStatusCode.BadRequest, """{"error":"invalid_audio_format","message":"provider says: bad audio","retryable":false}""" },
        { "network_error", HttpStatusCode.BadGateway, """{"error":"network_error","message":"provider says: bad audio","retryable":true}""" },
        { "provider_503", HttpStatusCode.ServiceUnavailable, """{"error":"provider_error","message":"provider says: bad audio","retryable":true}""" },
        { "boom", HttpStatusCode.InternalServerError, """{"error":"provider_error","message":"boom","retryable":true}""" },
        // Mapped by type, not by words: a plain exception that mentions 429 is still a provider error.
        { "429 Too Many Requests", HttpStatusCode.InternalServerError, """{"error":"provider_error","message":"429 Too Many Requests","retryable":true}""" },
    };

    [Theory] // case 55, by error type
    [MemberData(nameof(ProviderFailures))]
    public async Task Provider_failures_map_by_error_code(string failure, HttpStatusCode status, string body)
    {
        const string detail = "provider says: bad audio";
        var service = new RecordingTranscriptionService
        {
            Throw = failure switch
            {
                "rate_limited" => new TranscriptionException(TranscriptionErrorCode.RateLimited, "upstream 429 with key sk-secret"),
                "auth_failed" => new TranscriptionException(TranscriptionErrorCode.AuthFailed, "Incorrect API key provided: sk-secret"),
                "audio_too_long" => new TranscriptionException(TranscriptionErrorCode.AudioTooLong, detail),
                "invalid_audio_format" => new TranscriptionException(TranscriptionErrorCode.InvalidAudioFormat, detail),
                "network_error" => new TranscriptionException(TranscriptionErrorCode.NetworkError, detail),
                "provider_503" => new TranscriptionException(TranscriptionErrorCode.ProviderError, detail, providerStatusCode: 503),
                _ => new InvalidOperationException(failure),
            },
        };
        await using var host = await RuntimeTranscribeHost.StartAsync(service);

        using var response = await host.Client.PostAsync(Rest, AudioForm([1, 2, 3], "audio/webm"), Ct);

        await AssertBodyAsync(response, status, body);
    }

    [Fact] // case 56
    public async Task Get_transcribe_is_405_allow_post()
    {
        await using var host = await RuntimeTranscribeHost.StartAsync(new RecordingTranscriptionService());

        using var response = await host.Client.GetAsync(Rest, Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
    }

    [Fact] // case 67
    public async Task Single_route_transcribe_uses_the_json_path()
    {
        var service = new RecordingTranscriptionService("single");
        await using var host = await RuntimeTranscribeHost.StartAsync(service);

        using var ok = await host.Client.PostAsync(Single, JsonBody("""{"method":"transcribe","body":{"audio":"YWJj","mimeType":"audio/wav"}}"""), Ct);
        await AssertBodyAsync(ok, HttpStatusCode.OK, """{"text":"single","size":3,"type":"audio/wav"}""");
        Assert.Equal("recording.webm", service.Last?.FileName);

        using var missing = await host.Client.PostAsync(Single, JsonBody("""{"method":"transcribe"}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("""{"error":"invalid_request","message":"Missing request body for JSON handler"}""", await missing.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Handle_json_without_a_body_answers_like_the_envelope()
    {
        var result = await TranscriptionRequestHandler.HandleJsonAsync(default, new RecordingTranscriptionService(), 1024, Ct);
        await using var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Response.Body = new MemoryStream();
        await result.ExecuteAsync(http);
        Assert.Equal(400, http.Response.StatusCode);
        Assert.Equal("""{"error":"invalid_request","message":"Missing request body for JSON handler"}""", Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }

    private const string TooLarge = """{"error":"audio_too_large","message":"Audio file exceeds the limit of 1024 bytes","retryable":false}""";

    [Fact]
    public async Task Multipart_audio_over_the_limit_is_413_even_without_a_content_length()
    {
        var service = new RecordingTranscriptionService();
        await using var host = await RuntimeTranscribeHost.StartAsync(service, new Dictionary<string, string?> { ["MaxBytes"] = "1024" });

        // Within the limit: fine.
        using (var ok = await host.Client.PostAsync(Rest, AudioForm(new byte[1024], "audio/webm"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // Over it, with a Content-Length far beyond: refused before reading.
        using (var big = await host.Client.PostAsync(Rest, AudioForm(new byte[1024 * 1024], "audio/webm"), Ct))
        {
            await AssertBodyAsync(big, HttpStatusCode.RequestEntityTooLarge, TooLarge);
        }

        // Just over it, sent chunked: counted while streaming.
        var form = AudioForm(new byte[1025], "audio/webm");
        var bytes = await form.ReadAsByteArrayAsync(Ct);
        using var chunked = new StreamContent(new NonSeekableStream(bytes));
        chunked.Headers.ContentType = form.Headers.ContentType;
        using var response = await host.Client.PostAsync(Rest, chunked, Ct);
        await AssertBodyAsync(response, HttpStatusCode.RequestEntityTooLarge, TooLarge);
        Assert.Null(response.RequestMessage?.Content?.Headers.ContentLength);
        Assert.Equal(1024, service.Last?.Size);
    }

    [Fact]
    public async Task Base64_audio_over_the_limit_is_413_on_both_transports()
    {
        var service = new RecordingTranscriptionService();
        await using var host = await RuntimeTranscribeHost.StartAsync(service, new Dictionary<string, string?> { ["MaxBytes"] = "1024" });
        var audio = Convert.ToBase64String(new byte[1025]);

        using var rest = await host.Client.PostAsync(Rest, JsonBody($$"""{"audio":"{{audio}}","mimeType":"audio/webm"}"""), Ct);
        await AssertBodyAsync(rest, HttpStatusCode.RequestEntityTooLarge, TooLarge);

        using var single = await host.Client.PostAsync(Single, JsonBody($$$"""{"method":"transcribe","body":{"audio":"{{{audio}}}","mimeType":"audio/webm"}}"""), Ct);
        await AssertBodyAsync(single, HttpStatusCode.RequestEntityTooLarge, TooLarge);
        Assert.Null(service.Last);
    }

    [Fact]
    public async Task A_multipart_body_without_a_boundary_is_400_not_500()
    {
        await using var host = await RuntimeTranscribeHost.StartAsync(new RecordingTranscriptionService());
        using var content = new ByteArrayContent("--x\r\n"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");

        using var response = await host.Client.PostAsync(Rest, content, Ct);

        await AssertBodyAsync(response, HttpStatusCode.BadRequest,
            """{"error":"invalid_request","message":"Failed to parse multipart/form-data body: missing boundary","retryable":false}""");
    }

    /// <summary>Makes HttpClient send the body chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
