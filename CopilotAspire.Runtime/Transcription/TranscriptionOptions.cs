using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Transcription;

/// <summary>
/// The OpenAI-compatible transcription provider (configuration section <c>CopilotRuntime:Transcription</c>).
/// Transcription is enabled only when <see cref="Endpoint"/> is set.
/// </summary>
public sealed class TranscriptionOptions
{
    /// <summary>25 MiB, OpenAI's own upload limit.</summary>
    public const long DefaultMaxBytes = 25L * 1024 * 1024;

    /// <summary>
    /// Base URL of an OpenAI-compatible API; requests go to <c>{Endpoint}/audio/transcriptions</c>. Examples:
    /// <c>http://transcriber/v1</c> (the Transcriber, by service discovery), <c>https://api.openai.com/v1</c>.
    /// </summary>
    [RegularExpression(@"^https?://[^\s/?#]+(/[^\s?#]*)?$", ErrorMessage = "Endpoint must be an absolute http(s) URL without query, e.g. http://transcriber/v1.")]
    public string? Endpoint { get; set; }

    /// <summary>The <c>model</c> form field sent to the provider. Default <c>whisper-1</c>.</summary>
    [Required]
    public string Model { get; set; } = "whisper-1";

    /// <summary>Sent as <c>Authorization: Bearer</c> when set (OpenAI needs it; the Transcriber does not). Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Largest audio upload <c>/transcribe</c> accepts, in bytes; larger gets 413. Default 25 MiB.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>ISO-639-1 language sent to the provider; unset lets it detect the language.</summary>
    [RegularExpression("^[a-z]{2,3}$")]
    public string? Language { get; set; }

    /// <summary>How long one provider call may take, in seconds. Default 120.</summary>
    [Range(1, 3600)]
    public int TimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// The settings for logs: the endpoint and model, and only whether an API key is set (never the key).
    /// </summary>
    public override string ToString() => $"Endpoint={Endpoint}, Model={Model}, ApiKey={(string.IsNullOrEmpty(ApiKey) ? "unset" : "set")}";
}

[OptionsValidator]
internal sealed partial class TranscriptionOptionsValidator : IValidateOptions<TranscriptionOptions>;
