using System.Text;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// Writes a whisper.cpp ggml model with a header, mel filters and a vocabulary but no tensors. whisper.cpp loads
/// such a file as an "empty model for testing" and runs inference on it (the output is meaningless), so the real
/// Whisper engine can be exercised without downloading weights.
/// </summary>
public static class TinyGgmlModel
{
    public const uint Magic = 0x67676d6c; // "ggml"

    public static void Write(string path, int vocabularySize = 300)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(Magic);
        // Hyper-parameters of the multilingual "tiny" model: vocabulary, audio ctx/state/heads/layers,
        // text ctx/state/heads/layers (text state must equal audio state), mel bins, ftype (1 = f16).
        foreach (var value in (int[])[51865, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1])
        {
            writer.Write(value);
        }
        const int mels = 80, fftBins = 201;
        writer.Write(mels);
        writer.Write(fftBins);
        for (var i = 0; i < mels * fftBins; i++)
        {
            writer.Write(0f);
        }
        writer.Write(vocabularySize);
        for (var token = 0; token < vocabularySize; token++)
        {
            // Decoding looks the single-space token up, so it has to be there (token 220 in the real vocabulary).
            var bytes = Encoding.UTF8.GetBytes(token == 220 ? " " : $"w{token}");
            writer.Write((uint)bytes.Length);
            writer.Write(bytes);
        }
    }
}
