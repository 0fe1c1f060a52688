namespace CopilotAspire.Testing;

/// <summary>What <c>POST /v1/audio/transcriptions</c> answers: a text, or an error.</summary>
public sealed class TranscriptionReply
{
    private TranscriptionReply()
    {
    }

    public string? Text { get; private init; }

    public int? ErrorStatus { get; private init; }

    public string? ErrorMessage { get; private init; }

    /// <summary>Held before answering, when set.</summary>
    public Gate? Hold { get; private init; }

    public static TranscriptionReply Success(string text, Gate? hold = null) => new() { Text = text, Hold = hold };

    public static TranscriptionReply Error(int status, string message) => new() { ErrorStatus = status, ErrorMessage = message };
}
