using System.Buffers;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// One reusable byte buffer per thread, to serialize into before copying the result out once (a stored run, a JSON
/// value): no buffer growth per use. A nested user (while the buffer is rented) gets a fresh one.
/// </summary>
public static class ScratchBuffer
{
    private const int MaxKeptBytes = 256 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>This thread's buffer, empty; give it back with <see cref="Return"/>.</summary>
    public static ArrayBufferWriter<byte> Rent(int initialCapacity = 4096)
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(initialCapacity);
        t_buffer = null;
        buffer.ResetWrittenCount();
        return buffer;
    }

    /// <summary>Keeps <paramref name="buffer"/> for this thread's next use, unless it grew too large to keep.</summary>
    public static void Return(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity <= MaxKeptBytes)
        {
            t_buffer = buffer;
        }
    }
}
