namespace CopilotAspire.Transcriber.Audio;

/// <summary>Recognises an upload's container from its magic bytes (the file name and MIME type are not trusted).</summary>
public static class AudioSniffer
{
    public static AudioContainer Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && (head.StartsWith("RIFF"u8) || head.StartsWith("RF64"u8)) && head[8..12].SequenceEqual("WAVE"u8))
        {
            return AudioContainer.Wav;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return AudioContainer.WebM; // EBML: WebM or Matroska
        }
        if (head.StartsWith("OggS"u8))
        {
            return AudioContainer.Ogg;
        }
        if (head.StartsWith("fLaC"u8))
        {
            return AudioContainer.Flac;
        }
        if (head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return AudioContainer.Mp4; // mp4, m4a, mov, 3gp
        }
        if (head.StartsWith("ID3"u8))
        {
            // An ID3v2 tag is mostly MP3's, but AAC (ADTS) and FLAC files carry one too: look past it when it fits.
            if (head.Length >= 10)
            {
                var size = 10 + ((head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F));
                size += (head[5] & 0x10) != 0 ? 10 : 0; // footer
                var tagged = head.Length > size ? Detect(head[size..]) : AudioContainer.Unknown;
                if (tagged is AudioContainer.Aac or AudioContainer.Flac)
                {
                    return tagged;
                }
            }
            return AudioContainer.Mp3;
        }
        if (head.Length >= 2 && head[0] == 0xFF)
        {
            if ((head[1] & 0xF6) == 0xF0)
            {
                return AudioContainer.Aac; // ADTS: sync 0xFFF, layer 00
            }
            if ((head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0)
            {
                return AudioContainer.Mp3; // MPEG audio frame sync with a valid layer
            }
        }
        return AudioContainer.Unknown;
    }
}
