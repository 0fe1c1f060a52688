using System.Globalization;
using System.Runtime.CompilerServices;
using CopilotAspire.Transcriber.Audio;
using CopilotAspire.Transcriber.Engine;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// A deterministic speech engine for tests: instead of words it "transcribes" what it received, e.g.
/// <c>samples=16000 rate=16000 hz=440</c> (sample count, rate, and the tone's frequency from zero crossings), so
/// tests can check decoding and resampling end to end. It can report a status and be held on a gate.
/// </summary>
public sealed class ToneSpeechEngine : ISpeechToTextClient
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    /// <summary>When set, every transcription waits for it (after signalling <see cref="Entered"/>).</summary>
    public Task? Gate { get; set; }

    /// <summary>Reported through <see cref="GetService"/>; <see langword="null"/> means "no status" (ready).</summary>
    public SpeechEngineStatus? Status { get; set; }

    /// <summary>Completes when the first transcription reaches the engine.</summary>
    public Task Entered => _entered.Task;

    public int Calls => Volatile.Read(ref _calls);

    public SpeechToTextOptions? LastOptions { get; private set; }

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingTextAsync(audioSpeechStream, options, cancellationToken).ToSpeechToTextResponseAsync(cancellationToken);

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        LastOptions = options;
        _entered.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        using var buffer = new MemoryStream();
        await audioSpeechStream.CopyToAsync(buffer, cancellationToken);
        var format = WavDecoder.ReadFormat(buffer.ToArray());
        var audio = WavDecoder.Decode(buffer.ToArray(), TimeSpan.MaxValue)!;
        var duration = TimeSpan.FromSeconds((double)audio.Samples.Length / audio.SampleRate);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"samples={audio.Samples.Length} rate={audio.SampleRate} channels={format.Channels} bits={format.BitsPerSample} hz={Frequency(audio):0}");
        yield return new SpeechToTextResponseUpdate(" " + text)
        {
            Kind = SpeechToTextResponseUpdateKind.TextUpdated,
            StartTime = TimeSpan.Zero,
            EndTime = duration,
            AdditionalProperties = new() { ["language"] = options?.SpeechLanguage ?? "en" },
        };
    }

    /// <summary>A pure tone's frequency: rising zero crossings (interpolated between samples) per second.</summary>
    public static double Frequency(DecodedAudio audio)
    {
        double first = -1, last = -1;
        var crossings = 0;
        var s = audio.Samples;
        for (var i = 1; i < s.Length; i++)
        {
            if (s[i - 1] < 0 && s[i] >= 0)
            {
                var at = i - 1 + s[i - 1] / (s[i - 1] - s[i]);
                if (crossings++ == 0)
                {
                    first = at;
                }
                last = at;
            }
        }
        return crossings < 2 ? 0 : (crossings - 1) * audio.SampleRate / (last - first);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(SpeechEngineStatus) ? Status : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
