using System.ComponentModel.DataAnnotations;

namespace CopilotAspire.Transcriber.Hosting;

/// <summary>Limits and behaviour of the transcription API (configuration section <c>Transcriber</c>).</summary>
public sealed class TranscriberOptions
{
    public const string SectionName = "Transcriber";

    /// <summary>Largest accepted audio upload, in bytes; larger uploads get 413. Default 25 MiB (as OpenAI).</summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>Transcriptions the engine runs at once (each holds a Whisper state and its threads). Default 1.</summary>
    [Range(1, 256)]
    public int MaxConcurrentTranscriptions { get; set; } = 1;

    /// <summary>Requests that may wait for a free engine slot; past slots + queue a request gets 429. Default 4.</summary>
    [Range(0, 10_000)]
    public int MaxQueuedTranscriptions { get; set; } = 4;

    /// <summary>The <c>Retry-After</c> seconds sent with 429 and with 503 while the model loads. Default 5.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>Longest audio accepted after decoding, in seconds; longer audio gets 400 <c>audio_too_long</c>. Default 1800.</summary>
    [Range(1, 86_400)]
    public int MaxAudioSeconds { get; set; } = 1800;

    /// <summary>Path of the ffmpeg executable; unset means "look for ffmpeg on PATH".</summary>
    public string? FfmpegPath { get; set; }

    /// <summary>The model id that <c>GET /v1/models</c> lists (any model name is accepted on requests). Default <c>whisper-1</c>.</summary>
    [Required, RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
    public string ServedModelId { get; set; } = "whisper-1";

    /// <summary>The language when a request names none: an ISO-639-1 code, or <c>auto</c> to detect it. Default <c>auto</c>.</summary>
    [Required, RegularExpression("^(auto|[a-z]{2,3})$")]
    public string DefaultLanguage { get; set; } = "auto";
}
