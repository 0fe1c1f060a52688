using System.Diagnostics;

namespace CopilotAspire.Bench.Load;

/// <summary>
/// Counts SSE frames in a response body without parsing JSON: a frame ends at a blank line; comments (<c>:</c>) are
/// not events. Remembers when the first event arrived and whether the last one was <c>RUN_FINISHED</c>, from the
/// first bytes of each frame (the <c>type</c> property comes first on both servers).
/// </summary>
public sealed class SseCounter
{
    private static readonly byte[] s_finished = "\"type\":\"RUN_FINISHED\""u8.ToArray();
    private readonly byte[] _head = new byte[96];
    private int _headLength;
    private bool _frameStart = true;
    private bool _comment;
    private bool _afterNewline;

    public int Events { get; private set; }

    public bool LastWasRunFinished { get; private set; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when the first event's first byte arrived (0 before).</summary>
    public long FirstEventTimestamp { get; private set; }

    public void Reset()
    {
        Events = 0;
        LastWasRunFinished = false;
        FirstEventTimestamp = 0;
        _frameStart = true;
        _afterNewline = false;
        _headLength = 0;
    }

    public void Feed(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            if (_frameStart)
            {
                _frameStart = false;
                _comment = data[i] == (byte)':';
                _headLength = 0;
                if (!_comment && FirstEventTimestamp == 0)
                {
                    FirstEventTimestamp = Stopwatch.GetTimestamp();
                }
            }
            var rest = data[i..];
            var newline = rest.IndexOf((byte)'\n');
            var chunk = newline < 0 ? rest : rest[..(newline + 1)];
            if (_headLength < _head.Length)
            {
                var n = Math.Min(chunk.Length, _head.Length - _headLength);
                chunk[..n].CopyTo(_head.AsSpan(_headLength));
                _headLength += n;
            }
            if (newline < 0)
            {
                _afterNewline = false;
                return;
            }
            i += newline + 1;
            if (_afterNewline && newline == 0)
            {
                EndFrame();
            }
            else
            {
                _afterNewline = true;
            }
        }
    }

    private void EndFrame()
    {
        _frameStart = true;
        _afterNewline = false;
        if (_comment)
        {
            return;
        }
        Events++;
        LastWasRunFinished = _head.AsSpan(0, _headLength).IndexOf(s_finished) >= 0;
    }
}
