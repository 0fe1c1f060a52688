using System.ComponentModel.DataAnnotations;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>The <c>/threads</c> routes (configuration section <c>CopilotRuntime:Threads</c>; wire spec §20).</summary>
public sealed class CopilotThreadsOptions
{
    /// <summary>Serve <c>/threads</c> (list, inspect, rename, archive, delete). Default true; off: they answer 404 and <c>/info</c> says so.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Serve <c>POST /threads/clear</c>, which deletes every idle thread of the caller's scope. Default false (it answers
    /// 403): one request wipes a user's whole history.
    /// </summary>
    public bool AllowClear { get; set; }

    /// <summary>Threads in a page when the request gives no <c>limit</c>. Default 50.</summary>
    [Range(1, 10_000)]
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>Most threads in a page; a larger <c>limit</c> is lowered to it. Default 200.</summary>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 200;

    /// <summary>Longest thread name accepted by rename (longer gets 400). Default 256.</summary>
    [Range(1, 65_536)]
    public int MaxNameLength { get; set; } = 256;
}
