using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using static CopilotAspire.Tests.Transcription.TranscriberForms;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// Browser and other compressed formats go through a real ffmpeg; without ffmpeg they get a clear 415. Uploads are
/// untrusted: ffmpeg only ever reads them with the demuxer of the sniffed container, so a playlist naming files on the
/// server is never followed.
/// </summary>
[Kind(TestKind.Process)]
public sealed partial class FfmpegTranscriberTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("tone.webm", "audio/webm;codecs=opus", new[] { "-c:a", "libopus" })]
    [InlineData("tone.ogg", "audio/ogg", new[] { "-c:a", "libvorbis" })]
    [InlineData("tone.opus.ogg", "audio/ogg", new[] { "-c:a", "libopus" })]
    [InlineData("tone.mp3", "audio/mpeg", new[] { "-c:a", "libmp3lame" })]
    [InlineData("tone.m4a", "audio/mp4", new[] { "-c:a", "aac" })]
    [InlineData("tone.flac", "audio/flac", new[] { "-c:a", "flac" })]
    [InlineData("mulaw.wav", "audio/wav", new[] { "-ar", "8000", "-c:a", "pcm_mulaw" })]
    [InlineData("tone.aac", "audio/aac", new[] { "-c:a", "aac", "-f", "adts" })]
    [InlineData("tagged.aac", "audio/aac", new[] { "-c:a", "aac", "-f", "adts", "-write_id3v2", "1" })] // an ID3 tag does not make it mp3
    public async Task Compressed_audio_is_decoded_by_ffmpeg_to_16_kHz_mono(string fileName, string contentType, string[] codec)
    {
        Assert.SkipWhen(TestAudio.FfmpegPath is null, "ffmpeg is not on PATH (CI installs it)");
        var audio = await TestAudio.FfmpegSineAsync(fileName, Ct, codec);
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());

        // The upload's name says nothing about its format: the Transcriber sniffs the bytes.
        using var response = await server.Http.TranscribeAsync(Form(audio, "recording", contentType));

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var match = ToneText().Match(body);
        Assert.True(match.Success, body);
        // Lossy encoders add priming/padding and artefacts; the tone must still arrive at 16 kHz with its pitch intact.
        Assert.InRange(int.Parse(match.Groups["samples"].Value, CultureInfo.InvariantCulture), 15_500, 17_500);
        Assert.InRange(int.Parse(match.Groups["hz"].Value, CultureInfo.InvariantCulture), 430, 450); // a wrong rate would be off by 8 % or more
    }

    [Fact]
    public async Task Corrupt_compressed_audio_is_400_with_ffmpegs_reason()
    {
        Assert.SkipWhen(TestAudio.FfmpegPath is null, "ffmpeg is not on PATH (CI installs it)");
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());
        byte[] corrupt = [0x1A, 0x45, 0xDF, 0xA3, .. Enumerable.Repeat((byte)0x42, 2000)];

        using var response = await server.Http.TranscribeAsync(Form(corrupt, "recording.webm", "audio/webm"));

        var error = await response.ErrorAsync(400);
        Assert.Equal("invalid_audio", error.GetProperty("code").GetString());
        Assert.StartsWith("The audio could not be decoded: ", error.GetProperty("message").GetString());
        Assert.DoesNotContain(Path.GetTempPath(), error.GetProperty("message").GetString()); // no server paths leak
    }

    [Theory]
    [InlineData("webm")]
    [InlineData("ogg")]
    [InlineData("mp3")]
    [InlineData("m4a")]
    [InlineData("mulaw-wav")]
    public async Task Without_ffmpeg_compressed_audio_is_415_saying_to_install_it(string format)
    {
        byte[] head = format switch
        {
            "webm" => [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01],
            "ogg" => [.. "OggS"u8, 0, 2, 0, 0],
            "mp3" => [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0],
            "m4a" => [0, 0, 0, 0x20, .. "ftypM4A "u8],
            _ => MuLawHeader(),
        };
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine(),
            new Dictionary<string, string?> { ["Transcriber:FfmpegPath"] = "/nonexistent/ffmpeg" });

        using var response = await server.Http.TranscribeAsync(Form([.. head, .. new byte[1024]], "recording." + format, "audio/webm"));

        var error = await response.ErrorAsync(415);
        Assert.Equal("unsupported_audio_format", error.GetProperty("code").GetString());
        Assert.Contains("install ffmpeg", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_uploaded_HLS_playlist_naming_a_server_file_is_400_and_the_file_is_never_decoded()
    {
        Assert.SkipWhen(TestAudio.FfmpegPath is null, "ffmpeg is not on PATH (CI installs it)");
        var secret = await ServerFileAsync();
        try
        {
            await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());

            using var response = await server.Http.TranscribeAsync(Form(Playlist(secret), "recording.webm", "audio/webm"));

            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain("samples=", body, StringComparison.Ordinal); // nothing was transcribed
            var error = await response.ErrorAsync(400);
            Assert.Equal("invalid_audio", error.GetProperty("code").GetString());
            Assert.StartsWith("The file is not audio in a recognised format.", error.GetProperty("message").GetString()); // refused before ffmpeg
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Theory]
    [InlineData("recording.webm", "audio/webm;codecs=opus")]
    [InlineData("recording.ogg", "audio/ogg")]
    [InlineData("recording.mp3", "audio/mpeg")]
    [InlineData("recording.m4a", "audio/mp4")]
    [InlineData("recording.flac", "audio/flac")]
    [InlineData("recording.wav", "audio/wav")]
    [InlineData("recording.aac", "audio/aac")]
    [InlineData("recording.m3u8", "application/vnd.apple.mpegurl")]
    [InlineData("recording", null)]
    public async Task A_playlist_disguised_by_an_audio_name_or_type_is_400_before_ffmpeg(string fileName, string? contentType)
    {
        Assert.SkipWhen(TestAudio.FfmpegPath is null, "ffmpeg is not on PATH (CI installs it)");
        var secret = await ServerFileAsync();
        try
        {
            await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());

            using var response = await server.Http.TranscribeAsync(Form(Playlist(secret), fileName, contentType));

            var error = await response.ErrorAsync(400);
            Assert.Equal("invalid_audio", error.GetProperty("code").GetString());
            Assert.StartsWith("The file is not audio in a recognised format.", error.GetProperty("message").GetString());
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Theory] // ffmpeg's own probing looks past an ID3 tag and would pick its HLS demuxer: the sniffed container's demuxer is forced
    [InlineData("id3")]
    [InlineData("mp3-frame")]
    [InlineData("ogg")]
    [InlineData("webm")]
    [InlineData("flac")]
    [InlineData("mp4")]
    [InlineData("adts")]
    public async Task A_playlist_behind_a_recognised_magic_is_decoded_as_that_container_and_never_followed(string magic)
    {
        Assert.SkipWhen(TestAudio.FfmpegPath is null, "ffmpeg is not on PATH (CI installs it)");
        byte[] head = magic switch
        {
            "id3" => [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0],
            "mp3-frame" => [0xFF, 0xFB, 0x90, 0x64],
            "ogg" => [.. "OggS"u8, 0, 2, 0, 0],
            "webm" => [0x1A, 0x45, 0xDF, 0xA3],
            "flac" => [.. "fLaC"u8],
            "mp4" => [0, 0, 0, 0x20, .. "ftypM4A "u8],
            _ => [0xFF, 0xF1, 0x50, 0x80],
        };
        var secret = await ServerFileAsync();
        try
        {
            await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());

            using var response = await server.Http.TranscribeAsync(Form([.. head, .. Playlist(secret)], "recording.m3u8", "audio/mpeg"));

            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain("samples=", body, StringComparison.Ordinal);
            var error = await response.ErrorAsync(400);
            Assert.Equal("invalid_audio", error.GetProperty("code").GetString());
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    /// <summary>An HLS playlist whose one segment is <paramref name="path"/>, an absolute path on the Transcriber's machine.</summary>
    private static byte[] Playlist(string path) =>
        Encoding.ASCII.GetBytes($"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10,\n{path}\n#EXT-X-ENDLIST\n");

    /// <summary>A two-second mp3 on the "server" (this machine's temp folder) that no upload may make the Transcriber read.</summary>
    private static async Task<string> ServerFileAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"transcriber-secret-{Guid.NewGuid():N}.mp3");
        var (exitCode, _, stderr) = await ProcessRun.RunAsync(TestAudio.FfmpegPath!,
            ["-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=2", path], null, Timeout.InfiniteTimeSpan, Ct);
        Assert.True(exitCode == 0, $"ffmpeg failed to make {path}: {stderr}");
        return path;
    }

    private static byte[] MuLawHeader()
    {
        var wav = TestAudio.SineWav(8000, 1, 8, seconds: 0.1);
        wav[20] = 7; // WAVE_FORMAT_MULAW
        return wav;
    }

    [GeneratedRegex(@"^\{""text"":""samples=(?<samples>\d+) rate=16000 channels=1 bits=16 hz=(?<hz>\d+)""\}$")]
    private static partial Regex ToneText();
}
