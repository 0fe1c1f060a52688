using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using CopilotAspire.Transcriber.Audio;
using static CopilotAspire.Tests.Transcription.TranscriberForms;

namespace CopilotAspire.Tests.Transcription;

/// <summary>WAV of any rate, channel count and sample format reaches the engine as 16 kHz mono at the right pitch.</summary>
[Kind(TestKind.Fast)]
public sealed class WavDecoderTranscriberTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(8000, 1, 16, false)]
    [InlineData(16000, 2, 16, false)]
    [InlineData(22050, 1, 8, false)]
    [InlineData(44100, 1, 16, false)]
    [InlineData(44100, 2, 24, false)]
    [InlineData(48000, 2, 32, false)]
    [InlineData(48000, 1, 32, true)]
    [InlineData(96000, 2, 64, true)]
    [InlineData(11025, 6, 16, false)]
    public async Task Any_wav_layout_is_resampled_to_16_kHz_mono_over_http(int rate, int channels, int bits, bool ieeeFloat)
    {
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(rate, channels, bits, ieeeFloat)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("samples=16000 rate=16000 channels=1 bits=16 hz=440", (await response.JsonAsync()).GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(48000, 24, false)]
    [InlineData(44100, 32, true)]
    public async Task Wave_format_extensible_is_read_by_its_sub_format(int rate, int bits, bool ieeeFloat)
    {
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(rate, 2, bits, ieeeFloat, extensible: true)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("samples=16000 rate=16000 channels=1 bits=16 hz=440", (await response.JsonAsync()).GetProperty("text").GetString());
    }

    [Fact]
    public void Channels_are_averaged()
    {
        // Left = tone, right = the inverted tone: the mono mix is silence.
        var audio = WavDecoder.Decode(TestAudio.SineWav(16000, 2, 16, invertOddChannels: true), TimeSpan.FromMinutes(1))!;
        Assert.Equal(16000, audio.Samples.Length);
        Assert.All(audio.Samples, s => Assert.InRange(s, -1e-4f, 1e-4f));

        var same = WavDecoder.Decode(TestAudio.SineWav(16000, 2, 16), TimeSpan.FromMinutes(1))!;
        Assert.InRange(same.Samples.Max(), 0.49f, 0.51f);
    }

    [Fact]
    public void Downsampling_removes_tones_above_the_new_nyquist_frequency()
    {
        // A 12 kHz tone cannot exist at 16 kHz; a resampler without a low-pass would fold it to 4 kHz.
        var high = WavDecoder.Decode(TestAudio.SineWav(48000, 1, 32, ieeeFloat: true, frequency: 12000), TimeSpan.FromMinutes(1))!;
        var resampled = Resampler.Resample(high.Samples, 48000, 16000);
        var rms = Math.Sqrt(resampled.Skip(200).SkipLast(200).Average(s => (double)s * s));
        Assert.True(rms < 0.005, $"aliased energy left: rms {rms}");

        // A 3 kHz tone (inside the pass band) keeps its level: rms of a 0.5 sine is 0.354.
        var low = WavDecoder.Decode(TestAudio.SineWav(48000, 1, 32, ieeeFloat: true, frequency: 3000), TimeSpan.FromMinutes(1))!;
        var kept = Resampler.Resample(low.Samples, 48000, 16000);
        Assert.InRange(Math.Sqrt(kept.Skip(200).SkipLast(200).Average(s => (double)s * s)), 0.34, 0.36);
    }

    [Fact]
    public void A_data_size_left_unknown_by_a_streaming_writer_means_the_rest_of_the_file()
    {
        var wav = TestAudio.SineWav(16000, 1, 16);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), uint.MaxValue);
        Assert.Equal(16000, WavDecoder.Decode(wav, TimeSpan.FromMinutes(1))!.Samples.Length);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("header-only")]
    [InlineData("truncated-fmt")]
    [InlineData("no-data-chunk")]
    [InlineData("zero-channels")]
    [InlineData("random-bytes")]
    public async Task Corrupt_or_empty_audio_is_400_never_500(string kind)
    {
        var wav = TestAudio.SineWav(16000, 1, 16);
        var audio = kind switch
        {
            "empty" => [],
            "header-only" => wav[..44],
            "truncated-fmt" => wav[..30],
            "no-data-chunk" => wav[..36],
            "zero-channels" => ZeroChannels(wav),
            _ => Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray(),
        };
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine(),
            new Dictionary<string, string?> { ["Transcriber:FfmpegPath"] = "/nonexistent/ffmpeg" });
        using var response = await server.Http.TranscribeAsync(Form(audio));

        var error = await response.ErrorAsync(400);
        Assert.Equal("invalid_audio", error.GetProperty("code").GetString());
        Assert.Equal("file", error.GetProperty("param").GetString());

        static byte[] ZeroChannels(byte[] wav)
        {
            var copy = wav.ToArray();
            BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(22), 0);
            return copy;
        }
    }

    [Fact]
    public async Task Audio_longer_than_the_limit_is_400_audio_too_long()
    {
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine(),
            new Dictionary<string, string?> { ["Transcriber:MaxAudioSeconds"] = "1" });
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(8000, 1, 16, seconds: 2)));

        var error = await response.ErrorAsync(400);
        Assert.Equal("audio_too_long", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_upload_over_the_limit_with_a_Content_Length_is_413_before_it_is_read()
    {
        var engine = new ToneSpeechEngine();
        await using var server = await TranscriberTestServer.StartAsync(engine,
            new Dictionary<string, string?> { ["Transcriber:MaxUploadBytes"] = "65536" });
        using var response = await server.Http.TranscribeAsync(Form(new byte[2 * 1024 * 1024]));

        var error = await response.ErrorAsync(413);
        Assert.Equal("file_too_large", error.GetProperty("code").GetString());
        Assert.Contains("65536", error.GetProperty("message").GetString());
        Assert.Equal(0, engine.Calls);
    }

    [Fact]
    public async Task A_chunked_upload_over_the_limit_is_413_counted_while_streaming()
    {
        var engine = new ToneSpeechEngine();
        await using var server = await TranscriberTestServer.StartAsync(engine,
            new Dictionary<string, string?> { ["Transcriber:MaxUploadBytes"] = "65536" });
        var form = Form(TestAudio.SineWav(16000, 1, 16, seconds: 3)); // 96 KB of audio
        var body = new MemoryStream();
        await form.CopyToAsync(body, Ct);
        body.Position = 0;
        using var chunked = new StreamContent(new UnknownLengthStream(body));
        chunked.Headers.ContentType = form.Headers.ContentType;

        using var response = await server.Http.TranscribeAsync(chunked);

        Assert.Null(response.RequestMessage?.Content?.Headers.ContentLength); // sent chunked
        var error = await response.ErrorAsync(413);
        Assert.Equal("file_too_large", error.GetProperty("code").GetString());
        Assert.Equal(0, engine.Calls);
    }

    /// <summary>Decode + resample speed, printed for the README (not a test of timing: it asserts nothing about time).</summary>
    [Fact(Explicit = true)]
    public void Measure_decode_and_resample_speed()
    {
        foreach (var (rate, channels, bits) in new[] { (16000, 1, 16), (44100, 2, 16), (48000, 2, 24), (48000, 1, 32) })
        {
            var wav = TestAudio.SineWav(rate, channels, bits, ieeeFloat: bits == 32, seconds: 60);
            var watch = Stopwatch.StartNew();
            var audio = WavDecoder.Decode(wav, TimeSpan.FromHours(1))!;
            var decoded = watch.Elapsed;
            var samples = rate == 16000 ? audio.Samples : Resampler.Resample(audio.Samples, rate, 16000);
            var total = watch.Elapsed;
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"60 s {rate} Hz {channels} ch {bits}-bit: decode {decoded.TotalMilliseconds:0} ms, decode+resample {total.TotalMilliseconds:0} ms ({60 / total.TotalSeconds:0}x real time), {samples.Length} samples");
            Assert.Equal(960_000, samples.Length);
        }
    }

    /// <summary>A readable stream that does not know its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 4096));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer[..Math.Min(buffer.Length, 4096)], cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
