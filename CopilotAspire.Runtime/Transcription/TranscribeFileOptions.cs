namespace CopilotAspire.Runtime.Transcription;

/// <summary>The uploaded audio: its bytes, MIME type (as sent, e.g. <c>audio/webm;codecs=opus</c>), file name and size.</summary>
public sealed record TranscribeFileOptions(Stream Audio, string MimeType, string FileName, long Size);
