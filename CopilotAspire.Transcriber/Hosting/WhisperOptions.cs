using System.ComponentModel.DataAnnotations;

namespace CopilotAspire.Transcriber.Hosting;

/// <summary>Where the Whisper ggml model comes from (configuration section <c>Whisper</c>).</summary>
public sealed class WhisperOptions
{
    public const string SectionName = "Whisper";

    /// <summary>
    /// The ggml model file. Unset: <c>ggml-{Model}.bin</c> in a per-user writable folder
    /// (<see cref="DefaultModelDirectory"/>), so that a first-run download works in containers that run as non-root.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>The whisper.cpp model name used for the default path and for downloads: tiny, base, small, medium, large-v3, base.en, base-q5_1… Default <c>base</c>.</summary>
    [Required, RegularExpression(@"^[a-z0-9][a-z0-9._-]{0,63}$")]
    public string Model { get; set; } = "base";

    /// <summary>Download <c>ggml-{Model}.bin</c> when the model file is missing. Default false (true in Development).</summary>
    public bool AutoDownload { get; set; }

    /// <summary>Where models are downloaded from (<c>{DownloadBaseUrl}ggml-{Model}.bin</c>).</summary>
    [Required, Url]
    public string DownloadBaseUrl { get; set; } = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main/";

    /// <summary>
    /// CPU threads per transcription. Default 0: chosen from the cores this process may use (<see cref="DefaultThreads"/>),
    /// not whisper.cpp's own choice (up to 4 from the machine's cores, ignoring a container's CPU limit).
    /// </summary>
    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>The threads a transcription runs on: <see cref="Threads"/>, or <see cref="DefaultThreads"/> when it is 0.</summary>
    public int EffectiveThreads => Threads > 0 ? Threads : DefaultThreads(Environment.ProcessorCount);

    /// <summary>
    /// The default for <paramref name="processorCount"/> usable cores (<see cref="Environment.ProcessorCount"/>, which
    /// honours CPU affinity and a container's CPU quota, where whisper.cpp's own choice counts the host's cores): one
    /// thread per usable core, at most 4, so 1 on a single core. Chosen by measurement (docs/deploy.md): with a
    /// base-sized model, threads up to the usable cores make a clip faster, more threads than cores make it slower.
    /// </summary>
    public static int DefaultThreads(int processorCount) => Math.Clamp(processorCount, 1, MaxDefaultThreads);

    /// <summary>The most threads <see cref="DefaultThreads"/> gives (whisper.cpp's own cap).</summary>
    public const int MaxDefaultThreads = 4;

    /// <summary>At shutdown, how long running transcriptions may take to finish before the service stops anyway. Default 20.</summary>
    [Range(0, 3600)]
    public int ShutdownDrainSeconds { get; set; } = 20;

    public static string DefaultModelDirectory
    {
        get
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, "CopilotAspire", "whisper-models");
        }
    }

    /// <summary>The model file this configuration points at, as a full path.</summary>
    public string ResolveModelPath() =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(ModelPath) ? Path.Combine(DefaultModelDirectory, $"ggml-{Model}.bin") : ModelPath);
}
