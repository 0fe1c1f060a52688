using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// AG-UI protocol versions (wire spec §22). A client that sends no <c>protocolVersion</c>, or a 0.0.x one, gets the
/// 0.0.x shapes byte for byte; a client that sends 1.0 or later gets the 1.0 shapes (a stopped run's
/// <c>outcome: {"type":"cancelled"}</c>, <c>finishReason</c> in <c>metadata</c>, no field 1.0 strips).
/// </summary>
public static class AgUiProtocol
{
    /// <summary>The version this runtime speaks to a client that asks for 1.0 shapes.</summary>
    public const string Version1 = "1.0";

    /// <summary>Whether <paramref name="protocolVersion"/> names AG-UI 1.0 or later (a <c>major.minor</c> with major ≥ 1).</summary>
    public static bool IsVersion1OrLater(string? protocolVersion)
    {
        if (protocolVersion is null)
        {
            return false;
        }
        var dot = protocolVersion.IndexOf('.', StringComparison.Ordinal);
        var major = dot < 0 ? protocolVersion : protocolVersion[..dot];
        return int.TryParse(major, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m) && m >= 1;
    }

    /// <summary><c>RUN_FINISHED.outcome</c> of a run that was stopped (AG-UI 1.0).</summary>
    public static JsonElement CancelledOutcome { get; } = AgUiJson.Parse("""{"type":"cancelled"}""");
}
