namespace CopilotAspire.Transcriber.Telemetry;

internal static partial class TranscriberLog
{
    [LoggerMessage(1, LogLevel.Information, "Speech engine {Engine}; ffmpeg: {Ffmpeg}", EventName = "EngineStarting")]
    public static partial void EngineStarting(ILogger logger, string engine, string ffmpeg);

    [LoggerMessage(2, LogLevel.Information, "Loading the Whisper model from {Path}", EventName = "ModelLoading")]
    public static partial void ModelLoading(ILogger logger, string path);

    [LoggerMessage(3, LogLevel.Information, "Whisper model {Path} loaded (runtime: {Runtime}; {Threads} threads per transcription)", EventName = "ModelLoaded")]
    public static partial void ModelLoaded(ILogger logger, string path, string runtime, int threads);

    [LoggerMessage(4, LogLevel.Error, "The speech model failed to load: {Reason}", EventName = "ModelFailed")]
    public static partial void ModelFailed(ILogger logger, Exception exception, string reason);

    [LoggerMessage(5, LogLevel.Information, "Downloading the Whisper model {Url} to {Path}", EventName = "ModelDownloading")]
    public static partial void ModelDownloading(ILogger logger, Uri url, string path);

    [LoggerMessage(6, LogLevel.Information, "Downloaded the Whisper model to {Path} ({Bytes} bytes)", EventName = "ModelDownloaded")]
    public static partial void ModelDownloaded(ILogger logger, string path, long bytes);

    [LoggerMessage(7, LogLevel.Information, "Transcribed {AudioSeconds:0.0} s of audio in {ElapsedMs:0} ms ({Characters} characters)", EventName = "Transcribed")]
    public static partial void Transcribed(ILogger logger, double audioSeconds, double elapsedMs, int characters);

    [LoggerMessage(8, LogLevel.Warning, "Transcription rejected: {Capacity} requests already admitted", EventName = "Rejected")]
    public static partial void Rejected(ILogger logger, int capacity);

    [LoggerMessage(9, LogLevel.Information, "Transcription request refused with {StatusCode} ({Code}): {Reason}", EventName = "Refused")]
    public static partial void Refused(ILogger logger, int statusCode, string code, string reason);

    [LoggerMessage(10, LogLevel.Error, "The speech engine failed", EventName = "EngineFailed")]
    public static partial void EngineFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Debug, "Transcription request aborted by the client ({Exception}: {Reason})", EventName = "ClientAborted")]
    public static partial void ClientAborted(ILogger logger, string exception, string reason);
}
