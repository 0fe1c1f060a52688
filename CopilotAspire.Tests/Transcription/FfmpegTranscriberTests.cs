using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using static CopilotAspire.Tests.Transcription.TranscriberForms;

namespace CopilotAspire.Tests.Transcription;

/// <summary>Browser and other compressed formats go through a real ffmpeg; without ffmpeg they get a clear 415.</summary>
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

    private static byte[] MuLawHeader()
    {
        var wav = TestAudio.SineWav(8000, 1, 8, seconds: 0.1);
        wav[20] = 7; // WAVE_FORMAT_MULAW
        return wav;
    }

    [GeneratedRegex(@"^\{""text"":""samples=(?<samples>\d+) rate=16000 channels=1 bits=16 hz=(?<hz>\d+)""\}$")]
    private static partial Regex ToneText();
}
