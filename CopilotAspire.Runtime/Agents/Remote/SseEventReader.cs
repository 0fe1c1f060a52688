using System.Buffers;

namespace CopilotAspire.Runtime.Agents.Remote;

/// <summary>
/// Reads the <c>data</c> of server-sent events from a stream as it arrives (the HTML event-stream rules): lines end
/// with LF, CR or CRLF (a CRLF split across two reads included), <c>data:</c> lines of one event are joined with LF
/// (one space after the colon dropped), comment lines (<c>:</c>…) and the <c>id</c>, <c>event</c> and <c>retry</c>
/// fields are skipped, a blank line ends the event, a leading UTF-8 BOM is dropped. An event without data is not
/// returned; an unterminated event at the end of the stream is dropped, as browsers do.
/// </summary>
internal sealed class SseEventReader : IDisposable
{
    private const int ReadSize = 16 * 1024;

    private readonly Stream _stream;
    private readonly int _maxEventBytes;
    private readonly Action? _received;
    private readonly ArrayBufferWriter<byte> _data = new(ReadSize);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
    private int _start;
    private int _end;
    private bool _hasData;
    private bool _afterCr;
    private bool _first = true;
    private bool _eof;

    /// <param name="stream">The response body, read until it ends.</param>
    /// <param name="maxEventBytes">The largest event (its data, or any one line) accepted.</param>
    /// <param name="received">Called whenever bytes arrive (comments included), e.g. to re-arm an idle timer.</param>
    public SseEventReader(Stream stream, int maxEventBytes, Action? received = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventBytes, 1);
        _stream = stream;
        _maxEventBytes = maxEventBytes;
        _received = received;
    }

    /// <summary>Whether any byte has arrived yet.</summary>
    public bool ReceivedAny { get; private set; }

    /// <summary>The next event's data (valid until the next call), or <see langword="null"/> at the end of the stream.</summary>
    /// <exception cref="SseFormatException">An event or a line is larger than the limit.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_first)
        {
            // A byte order mark may come split across reads: decide once three bytes (or the end) are in.
            while (_end < 3 && !_eof)
            {
                await FillAsync(cancellationToken);
            }
            _first = false;
            if (_buffer.AsSpan(0, _end).StartsWith("\uFEFF"u8))
            {
                _start = 3;
            }
        }
        while (true)
        {
            while (TryReadLine(out var line))
            {
                if (line.IsEmpty)
                {
                    if (_hasData)
                    {
                        _hasData = false;
                        var data = _data.WrittenMemory;
                        _data.ResetWrittenCount(); // the bytes stay in place until the next write
                        return data;
                    }
                    continue;
                }
                AddField(line);
            }
            if (_eof)
            {
                return null;
            }
            await FillAsync(cancellationToken);
        }
    }

    private bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        var pending = _buffer.AsSpan(_start, _end - _start);
        if (_afterCr && !pending.IsEmpty)
        {
            _afterCr = false;
            if (pending[0] == (byte)'\n')
            {
                _start++;
                pending = pending[1..];
            }
        }
        var at = pending.IndexOfAny((byte)'\n', (byte)'\r');
        if (at < 0)
        {
            if (_eof && !pending.IsEmpty)
            {
                // The last line has no end: take it, then a blank line is missing, so its event is dropped.
                _start = _end;
                line = default;
                _hasData = false;
                return false;
            }
            line = default;
            return false;
        }
        line = pending[..at];
        _afterCr = pending[at] == (byte)'\r';
        _start += at + 1;
        return true;
    }

    private void AddField(ReadOnlySpan<byte> line)
    {
        if (line[0] == (byte)':')
        {
            return; // a comment (": keep-alive")
        }
        var colon = line.IndexOf((byte)':');
        var name = colon < 0 ? line : line[..colon];
        if (!name.SequenceEqual("data"u8))
        {
            return; // id, event, retry and unknown fields are not used
        }
        var value = colon < 0 ? default : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }
        var size = _data.WrittenCount + (_hasData ? 1 : 0) + value.Length;
        if (size > _maxEventBytes)
        {
            throw new SseFormatException($"An event is larger than {_maxEventBytes} bytes.");
        }
        if (_hasData)
        {
            _data.Write("\n"u8);
        }
        _data.Write(value);
        _hasData = true;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            // Move the unfinished line to the front.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_end > _maxEventBytes)
            {
                throw new SseFormatException($"A line is longer than {_maxEventBytes} bytes.");
            }
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            _eof = true;
            return;
        }
        ReceivedAny = true;
        _received?.Invoke();
        _end += read;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
