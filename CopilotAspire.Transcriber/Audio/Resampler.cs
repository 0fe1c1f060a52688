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

    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        if (fromRate == toRate)
        {
            return input.ToArray();
        }

        var outputLength = (int)((long)input.Length * toRate / fromRate);
        var output = new float[outputLength];
        var step = (double)fromRate / toRate;                    // input samples per output sample
        var cutoff = Math.Min(1.0, (double)toRate / fromRate) * Rolloff; // of the input Nyquist frequency
        var halfWidth = ZeroCrossings / cutoff;                  // kernel reach, in input samples
        var tableStep = cutoff * TableResolution;                // table entries per input sample
        var kernel = s_kernel;
        var last = input.Length - 1;

        for (var n = 0; n < output.Length; n++)
        {
            var x = n * step;
            var first = Math.Max(0, (int)Math.Ceiling(x - halfWidth));
            var end = Math.Min(last, (int)Math.Floor(x + halfWidth));
            var sum = 0.0;
            for (var i = first; i <= end; i++)
            {
                var t = Math.Abs(x - i) * tableStep;
                var k = (int)t;
                if (k >= kernel.Length - 1)
                {
                    continue;
                }
                var frac = (float)(t - k);
                sum += input[i] * (kernel[k] + (kernel[k + 1] - kernel[k]) * frac);
            }
            output[n] = (float)(sum * cutoff);
        }
        return output;
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
