using System.Numerics;

namespace CopilotAspire.Transcriber.Audio;

/// <summary>
/// Band-limited sample-rate conversion (windowed-sinc interpolation, Kaiser window) for any pair of rates. When it
/// reduces the rate it low-passes below the new Nyquist frequency first, so 44.1/48 kHz audio does not alias.
/// </summary>
public static class Resampler
{
    private const int ZeroCrossings = 16;     // kernel half-width, in zero crossings of the sinc
    private const int TableResolution = 512;  // kernel table entries per zero crossing
    private const double KaiserBeta = 8.0;    // about 80 dB stop-band attenuation
    private const double Rolloff = 0.94;      // pass band ends at 94 % of the (lower) Nyquist frequency

    private static readonly float[] s_kernel = BuildKernel();

    /// <summary>Largest polyphase table (phases × taps) built for a rate pair; beyond it the kernel is interpolated per sample.</summary>
    private const int MaxPolyphaseCoefficients = 4 * 1024 * 1024;

    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        if (fromRate == toRate)
        {
            return input.ToArray();
        }

        var output = new float[(int)((long)input.Length * toRate / fromRate)];
        var cutoff = Math.Min(1.0, (double)toRate / fromRate) * Rolloff; // of the input Nyquist frequency
        var reach = (int)Math.Ceiling(ZeroCrossings / cutoff);            // kernel half-width, in input samples
        var gcd = Gcd(fromRate, toRate);
        int phases = toRate / gcd, step = fromRate / gcd;
        if ((long)phases * 2 * reach <= MaxPolyphaseCoefficients)
        {
            Polyphase(input, output, phases, step, reach, cutoff);
        }
        else
        {
            Interpolated(input, output, (double)fromRate / toRate, reach, cutoff);
        }
        return output;
    }

    /// <summary>
    /// Output sample n sits at input position n·step/phases: its integer part picks the input window, its fraction
    /// (one of <paramref name="phases"/> values) picks a precomputed row of filter taps.
    /// </summary>
    private static void Polyphase(ReadOnlySpan<float> input, float[] output, int phases, int step, int reach, double cutoff)
    {
        var taps = 2 * reach;
        var table = new float[phases * taps];
        for (var phase = 0; phase < phases; phase++)
        {
            var frac = (double)phase / phases;
            for (var j = 0; j < taps; j++)
            {
                var distance = Math.Abs(frac + reach - 1 - j); // x - i for i = base - reach + 1 + j
                table[phase * taps + j] = (float)(Kernel(distance * cutoff) * cutoff);
            }
        }

        // Zero padding on both sides keeps the inner loop free of edge checks.
        var padded = new float[input.Length + 2 * taps];
        input.CopyTo(padded.AsSpan(taps));
        for (var n = 0; n < output.Length; n++)
        {
            var position = (long)n * step;
            var origin = (int)(position / phases);
            var phase = (int)(position % phases);
            var window = padded.AsSpan(origin - reach + 1 + taps, taps);
            output[n] = Dot(window, table.AsSpan(phase * taps, taps));
        }
    }

    private static void Interpolated(ReadOnlySpan<float> input, float[] output, double step, int reach, double cutoff)
    {
        var last = input.Length - 1;
        for (var n = 0; n < output.Length; n++)
        {
            var x = n * step;
            var first = Math.Max(0, (int)Math.Ceiling(x - reach));
            var end = Math.Min(last, (int)Math.Floor(x + reach));
            var sum = 0.0;
            for (var i = first; i <= end; i++)
            {
                sum += input[i] * Kernel(Math.Abs(x - i) * cutoff);
            }
            output[n] = (float)(sum * cutoff);
        }
    }

    /// <summary>The windowed sinc at <paramref name="u"/> zero crossings from its centre (linear interpolation in the table).</summary>
    private static double Kernel(double u)
    {
        var t = u * TableResolution;
        var k = (int)t;
        if (k >= s_kernel.Length - 1)
        {
            return 0;
        }
        return s_kernel[k] + (s_kernel[k + 1] - s_kernel[k]) * (t - k);
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        }
        var result = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            result += a[i] * b[i];
        }
        return result;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }

    private static float[] BuildKernel()
    {
        var length = ZeroCrossings * TableResolution + 2;
        var table = new float[length];
        var i0Beta = BesselI0(KaiserBeta);
        for (var k = 0; k < length; k++)
        {
            var u = (double)k / TableResolution;      // distance in zero crossings
            var r = u / ZeroCrossings;
            if (r >= 1)
            {
                break;
            }
            var sinc = u == 0 ? 1.0 : Math.Sin(Math.PI * u) / (Math.PI * u);
            var window = BesselI0(KaiserBeta * Math.Sqrt(1 - r * r)) / i0Beta;
            table[k] = (float)(sinc * window);
        }
        return table;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, halfX = x / 2;
        for (var k = 1; k < 50; k++)
        {
            term *= halfX / k * (halfX / k);
            sum += term;
            if (term < sum * 1e-12)
            {
                break;
            }
        }
        return sum;
    }
}
