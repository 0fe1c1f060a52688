using System.Globalization;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// A thread's list record in its scope's <see cref="RedisThreadIndexKeys.Records"/> hash: what a <c>/threads</c> page
/// needs that its index entry does not hold (the agent and archived flag are the index it is in, updatedAt its score).
/// Written <c>1|createdAt</c> or <c>1|createdAt|name</c>: the leading format number lets a later format be told apart
/// (a record this replica cannot read is treated as missing: the thread's <c>meta</c> is read instead).
/// </summary>
internal readonly record struct RedisThreadRecord(long CreatedAt, string? Name)
{
    private const string Format = "1|";

    public RedisValue Encode() => Name is null
        ? Format + CreatedAt.ToString(CultureInfo.InvariantCulture)
        : Format + CreatedAt.ToString(CultureInfo.InvariantCulture) + "|" + Name;

    /// <summary>Reads a record; false for none (a thread indexed by an older replica) or one of another format.</summary>
    public static bool TryDecode(RedisValue value, out RedisThreadRecord record)
    {
        record = default;
        if (value.IsNullOrEmpty)
        {
            return false;
        }
        var text = (string)value!;
        if (!text.StartsWith(Format, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = text.AsSpan(Format.Length);
        var bar = rest.IndexOf('|');
        var created = bar < 0 ? rest : rest[..bar];
        if (!long.TryParse(created, NumberStyles.None, CultureInfo.InvariantCulture, out var createdAt))
        {
            return false;
        }
        record = new RedisThreadRecord(createdAt, bar < 0 ? null : rest[(bar + 1)..].ToString());
        return true;
    }
}
