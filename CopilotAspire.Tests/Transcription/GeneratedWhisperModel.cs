using System.Buffers.Binary;
using System.Text;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// Writes a complete whisper.cpp ggml model (every tensor of the real layout: conv front-end, encoder and decoder
/// blocks, f16 weights and f32 biases/norms) that is 1 layer deep and 64 wide, about 7 MB. The real engine runs its
/// mel, encoder and decoder on it, and greedy decoding emits a fixed text for any audio, so a test can assert the
/// transcript end to end. Nothing is downloaded; the bytes are deterministic.
/// </summary>
/// <remarks>
/// How the text comes out: every attention output projection is zero, so the decoder's residual stream at a position
/// is the embedding of the token there. The token embeddings of the tokens on a fixed chain
/// (<c>SOT → en</c>, <c>transcribe → &lt;|0.00|&gt; → word₁ → … → wordₙ → &lt;|end|&gt; → EOT</c>) are one-hot
/// directions; the decoder MLP has one hidden unit per chain token that fires only on that token and writes the
/// direction of its successor; logits are the tied embeddings, so the successor wins by a wide margin (≈ 30) and
/// every other token scores about 0. Language detection therefore says "en", the transcript is
/// <c>" word₁ … wordₙ"</c> and its one segment runs from 0 to <c>segmentEnd</c>, whatever the language. The decoder's
/// self-attention detects <see cref="PromptMarker"/> in the prompt: then the transcript starts with
/// <see cref="PromptedWord"/>, which proves that a prompt reached whisper.cpp. The encoder has small pseudo-random
/// weights, so it really computes (its output is not used).
/// </remarks>
public static class GeneratedWhisperModel
{
    /// <summary>What the default model transcribes every clip to.</summary>
    public const string DefaultText = "hello from copilot aspire";

    /// <summary>Where the default model's one segment ends.</summary>
    public static readonly TimeSpan DefaultSegmentEnd = TimeSpan.FromSeconds(1);

    private const int State = 64, Heads = 1, Layers = 1, Mels = 80, FftBins = 201;
    private const int Vocab = 51865, AudioCtx = 1500, TextCtx = 448;
    private const int Eot = 50257, Sot = 50258, English = 50259, Translate = 50358, Transcribe = 50359, TimestampBegin = 50364;
    private const int FirstWordToken = 256, MaxWords = State - 9;

    /// <summary>A prompt containing this word makes the model put <see cref="PromptedWord"/> before its text.</summary>
    public const string PromptMarker = "zebra";

    /// <summary>What the model says first when the prompt contains <see cref="PromptMarker"/>.</summary>
    public const string PromptedWord = "prompted";

    private static readonly Lazy<string> Default = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("generated-whisper-model-");
        var path = Path.Combine(dir.FullName, "ggml-generated.bin");
        Write(path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Another process still reads it; the temp folder is cleaned by the OS.
            }
        };
        return path;
    });

    /// <summary>A model file that transcribes every clip to <see cref="DefaultText"/>, written once per test process.</summary>
    public static string DefaultPath => Default.Value;

    /// <summary>Writes a model that transcribes every clip to <paramref name="text"/> (1–55 words).</summary>
    public static Task WriteAsync(string path, string text = DefaultText, TimeSpan? segmentEnd = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Write(path, text, segmentEnd), cancellationToken);

    /// <summary>Writes a model that transcribes every clip to <paramref name="text"/> (1–55 words).</summary>
    public static void Write(string path, string text = DefaultText, TimeSpan? segmentEnd = null)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is 0 or > MaxWords)
        {
            throw new ArgumentException($"The text must have 1 to {MaxWords} words.", nameof(text));
        }
        var end = segmentEnd ?? DefaultSegmentEnd;
        var endTicks = (int)Math.Round(end.TotalSeconds / 0.02);
        if (endTicks is < 1 or > 1500)
        {
            throw new ArgumentOutOfRangeException(nameof(segmentEnd), "The segment must end after 0 and at most at 30 s.");
        }

        using var file = new BinaryWriter(File.Create(path));
        WriteHeader(file, words);
        var random = new Lcg(0x5eed);
        WriteEncoder(file, random);
        WriteDecoder(file, random, words.Length, TimestampBegin + endTicks);
    }

    private static void WriteHeader(BinaryWriter file, string[] words)
    {
        file.Write(TinyGgmlModel.Magic);
        // n_vocab, audio ctx/state/heads/layers, text ctx/state/heads/layers, mel bins, ftype (1 = f16).
        foreach (var value in (int[])[Vocab, AudioCtx, State, Heads, Layers, TextCtx, State, Heads, Layers, Mels, 1])
        {
            file.Write(value);
        }
        file.Write(Mels);
        file.Write(FftBins);
        foreach (var weight in MelFilters())
        {
            file.Write(weight);
        }
        // Vocabulary: the 256 single bytes (so any prompt tokenizes; " " must exist), then one token per word.
        // whisper.cpp names the rest (special tokens, timestamps) itself.
        file.Write(FirstWordToken + words.Length + 3);
        for (var b = 0; b < FirstWordToken; b++)
        {
            file.Write(1u);
            file.Write((byte)b);
        }
        // Then the prompt marker (as a prompt's first word and as a later one) and the word it makes the model say.
        foreach (var token in words.Select(w => " " + w).Append(PromptMarker).Append(" " + PromptMarker).Append(" " + PromptedWord))
        {
            var bytes = Encoding.UTF8.GetBytes(token);
            file.Write((uint)bytes.Length);
            file.Write(bytes);
        }
    }

    /// <summary>Triangular filters on the mel scale over 0–8 kHz, so the mel spectrogram follows the audio.</summary>
    private static float[] MelFilters()
    {
        static double Mel(double hz) => 2595 * Math.Log10(1 + hz / 700);
        static double Hz(double mel) => 700 * (Math.Pow(10, mel / 2595) - 1);
        var filters = new float[Mels * FftBins];
        var top = Mel(8000);
        for (var m = 0; m < Mels; m++)
        {
            double lo = Hz(top * m / (Mels + 1)), mid = Hz(top * (m + 1) / (Mels + 1)), hi = Hz(top * (m + 2) / (Mels + 1));
            for (var k = 0; k < FftBins; k++)
            {
                var hz = k * 8000.0 / (FftBins - 1);
                var weight = hz <= lo || hz >= hi ? 0 : hz <= mid ? (hz - lo) / (mid - lo) : (hi - hz) / (hi - mid);
                filters[m * FftBins + k] = (float)(weight * 2 / (hi - lo) * 100);
            }
        }
        return filters;
    }

    private static void WriteEncoder(BinaryWriter file, Lcg random)
    {
        Tensor(file, "encoder.positional_embedding", [State, AudioCtx], random.Uniform(State * AudioCtx, 0.1f), half: false);
        Tensor(file, "encoder.conv1.weight", [3, Mels, State], random.Uniform(3 * Mels * State, 0.05f), half: true);
        Tensor(file, "encoder.conv1.bias", [1, State], new float[State], half: false);
        Tensor(file, "encoder.conv2.weight", [3, State, State], random.Uniform(3 * State * State, 0.05f), half: true);
        Tensor(file, "encoder.conv2.bias", [1, State], new float[State], half: false);
        for (var layer = 0; layer < Layers; layer++)
        {
            var p = $"encoder.blocks.{layer}.";
            Attention(file, p + "attn", random, silent: false);
            Norm(file, p + "mlp_ln");
            Tensor(file, p + "mlp.0.weight", [State, 4 * State], random.Uniform(4 * State * State, 0.1f), half: true);
            Tensor(file, p + "mlp.0.bias", [4 * State], new float[4 * State], half: false);
            Tensor(file, p + "mlp.2.weight", [4 * State, State], random.Uniform(4 * State * State, 0.05f), half: true);
            Tensor(file, p + "mlp.2.bias", [State], new float[State], half: false);
        }
        Norm(file, "encoder.ln_post");
    }

    private static void WriteDecoder(BinaryWriter file, Lcg random, int words, int endTimestamp)
    {
        // Chain directions (one-hot in the 64-wide residual stream).
        const int sot = 0, english = 1, task = 2, start = 3, firstWord = 4;
        int lastTimestamp = firstWord + words, eot = lastTimestamp + 1;
        // The prompt marker's direction, and the prompted word's identity (what the MLP sees) and voice (what scores it).
        int marker = eot + 1, prompted = eot + 2, promptedVoice = eot + 3;
        int markerToken = FirstWordToken + words, promptedToken = markerToken + 2;
        var tokenOf = new Dictionary<int, int> { [sot] = Sot, [english] = English, [task] = Transcribe, [start] = TimestampBegin, [lastTimestamp] = endTimestamp, [eot] = Eot };
        for (var w = 0; w < words; w++)
        {
            tokenOf[firstWord + w] = FirstWordToken + w;
        }
        var next = new Dictionary<int, int> { [sot] = english, [english] = task, [task] = start, [start] = firstWord, [lastTimestamp] = eot };
        for (var w = 0; w < words; w++)
        {
            next[firstWord + w] = w + 1 < words ? firstWord + w + 1 : lastTimestamp;
        }

        var embedding = new float[Vocab * State];
        foreach (var (direction, token) in tokenOf)
        {
            embedding[token * State + direction] = 1;
        }
        embedding[Translate * State + task] = 1; // translate behaves like transcribe
        embedding[markerToken * State + marker] = embedding[(markerToken + 1) * State + marker] = 1;
        embedding[promptedToken * State + prompted] = embedding[promptedToken * State + promptedVoice] = 1;
        Tensor(file, "decoder.token_embedding.weight", [State, Vocab], embedding, half: true);
        Tensor(file, "decoder.positional_embedding", [State, TextCtx], new float[State * TextCtx], half: false);

        // MLP: hidden unit h fires (≈ 3.9) only when its chain token is the input (after mlp_ln a one-hot input is
        // ≈ 7.9 in its own direction and ≈ −0.13 elsewhere) and writes "successor minus self" into the residual.
        var up = new float[4 * State * State];
        var upBias = new float[4 * State];
        var down = new float[State * 4 * State];
        var hidden = 0;
        foreach (var (from, to) in next)
        {
            up[hidden * State + from] = 1;
            upBias[hidden] = -4;
            // The first word is written weakly, so that the prompt's pull towards the prompted word wins there only.
            down[to * 4 * State + hidden] = from == start ? 0.3f : 0.6f;
            down[from * 4 * State + hidden] = -0.5f;
            hidden++;
        }
        // After the prompted word comes the first word; its own voice is cancelled so it is not said twice.
        up[hidden * State + prompted] = 1;
        upBias[hidden] = -2;
        down[firstWord * 4 * State + hidden] = 1f;
        down[promptedVoice * 4 * State + hidden] = -0.46f;
        down[prompted * 4 * State + hidden] = -0.5f;

        // Self-attention as a prompt detector: a constant query matches only the marker's key, and the marker's value
        // adds 0.3 × the prompted word's voice to every later position (about 0 when no marker is in the context).
        var keys = new float[State * State];
        var values = new float[State * State];
        var output = new float[State * State];
        var query = new float[State];
        query[0] = 5.5f;
        keys[0 * State + marker] = 5.5f;
        values[promptedVoice * State + marker] = 0.3f / 7.94f;
        output[promptedVoice * State + promptedVoice] = 1;
        var mlpNorm = Enumerable.Repeat(1f, State).ToArray();
        mlpNorm[promptedVoice] = 0; // the MLP must not react to the prompt's pull
        var finalNorm = Enumerable.Repeat(4f, State).ToArray();
        finalNorm[promptedVoice] = 22;

        for (var layer = 0; layer < Layers; layer++)
        {
            var p = $"decoder.blocks.{layer}.";
            Norm(file, p + "attn_ln");
            Tensor(file, p + "attn.query.weight", [State, State], new float[State * State], half: true);
            Tensor(file, p + "attn.query.bias", [State], query, half: false);
            Linear(file, p + "attn.key", keys, bias: false);
            Linear(file, p + "attn.value", values, bias: true);
            Linear(file, p + "attn.out", output, bias: true);
            Attention(file, p + "cross_attn", random, silent: true);
            Tensor(file, p + "mlp_ln.weight", [State], mlpNorm, half: false);
            Tensor(file, p + "mlp_ln.bias", [State], new float[State], half: false);
            Tensor(file, p + "mlp.0.weight", [State, 4 * State], up, half: true);
            Tensor(file, p + "mlp.0.bias", [4 * State], upBias, half: false);
            Tensor(file, p + "mlp.2.weight", [4 * State, State], down, half: true);
            Tensor(file, p + "mlp.2.bias", [State], new float[State], half: false);
        }
        // The final norm's gain sets the margin: the successor scores ≈ 4 × 7.9, everything else ≈ 0; the prompted
        // word's voice is weighted so that the prompt's pull (≈ 1–1.8 after the norm) beats only the weak first word.
        Tensor(file, "decoder.ln.weight", [State], finalNorm, half: false);
        Tensor(file, "decoder.ln.bias", [State], new float[State], half: false);
    }

    /// <summary>An attention block (its norm, query, key, value, output); <paramref name="silent"/> zeroes the output projection.</summary>
    private static void Attention(BinaryWriter file, string prefix, Lcg random, bool silent)
    {
        Norm(file, prefix + "_ln");
        Linear(file, prefix + ".query", random.Uniform(State * State, 0.1f), bias: true);
        Linear(file, prefix + ".key", random.Uniform(State * State, 0.1f), bias: false);
        Linear(file, prefix + ".value", random.Uniform(State * State, 0.1f), bias: true);
        Linear(file, prefix + ".out", silent ? new float[State * State] : random.Uniform(State * State, 0.1f), bias: true);
    }

    private static void Norm(BinaryWriter file, string name)
    {
        Tensor(file, name + ".weight", [State], Enumerable.Repeat(1f, State).ToArray(), half: false);
        Tensor(file, name + ".bias", [State], new float[State], half: false);
    }

    private static void Linear(BinaryWriter file, string name, float[] weight, bool bias)
    {
        Tensor(file, name + ".weight", [State, State], weight, half: true);
        if (bias)
        {
            Tensor(file, name + ".bias", [State], new float[State], half: false);
        }
    }

    /// <summary>One tensor record: n_dims, name length, type (0 f32, 1 f16), ne[] (fastest dimension first), name, data.</summary>
    private static void Tensor(BinaryWriter file, string name, int[] shape, float[] data, bool half)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        file.Write(shape.Length);
        file.Write(nameBytes.Length);
        file.Write(half ? 1 : 0);
        foreach (var dim in shape)
        {
            file.Write(dim);
        }
        file.Write(nameBytes);
        var bytes = new byte[data.Length * (half ? 2 : 4)];
        for (var i = 0; i < data.Length; i++)
        {
            if (half)
            {
                BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)data[i]);
            }
            else
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), data[i]);
            }
        }
        file.Write(bytes);
    }

    /// <summary>A fixed-seed generator, so every run writes the same bytes.</summary>
    private sealed class Lcg(ulong seed)
    {
        private ulong _state = seed;

        public float[] Uniform(int count, float scale)
        {
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                _state = _state * 6364136223846793005UL + 1442695040888963407UL;
                values[i] = ((_state >> 40) / (float)(1 << 24) * 2 - 1) * scale;
            }
            return values;
        }
    }
}
