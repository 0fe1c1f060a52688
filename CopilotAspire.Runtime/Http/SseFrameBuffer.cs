using System.Buffers;
using System.IO.Pipelines;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// Hands out the response's memory in pieces of a few KiB and advances the response once per piece, not once per
/// frame: each <c>GetSpan</c>/<c>Advance</c> of Kestrel's response writer takes the connection's output lock, which
/// was a tenth of the server's CPU when every frame took its own. <see cref="Commit"/> before flushing the response
/// or handing it to anyone else (the keep-alive timer).
/// </summary>
internal sealed class SseFrameBuffer(PipeWriter response) : IBufferWriter<byte>
{
    /// <summary>The least memory asked of the response at a time (a frame larger than this gets its own).</summary>
    private const int MinPiece = 2048;

    private Memory<byte> _piece;
    private int _written;

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_piece.Length - _written))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (_piece.Length - _written < Math.Max(sizeHint, 1))
        {
            Commit();
            _piece = response.GetMemory(Math.Max(sizeHint, MinPiece));
        }
        return _piece[_written..];
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <summary>Advances the response past everything written here.</summary>
    public void Commit()
    {
        if (_written > 0)
        {
            response.Advance(_written);
        }
        _written = 0;
        _piece = default;
    }
}
