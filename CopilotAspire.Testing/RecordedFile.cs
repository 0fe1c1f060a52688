namespace CopilotAspire.Testing;

/// <summary>A multipart file: form field name, file name, content type and bytes.</summary>
public sealed record RecordedFile(string FieldName, string FileName, string? ContentType, byte[] Content);
