using System.ComponentModel.DataAnnotations;

namespace CopilotAspire.Web.Hosting;

/// <summary>Where the page's runtime requests go (section <c>RuntimeProxy</c>).</summary>
public sealed class RuntimeProxyOptions
{
    public const string SectionName = "RuntimeProxy";

    /// <summary>
    /// The Api's base address. The default <c>http://api</c> is resolved by service discovery from
    /// <c>services:api:http:0</c> (set by Aspire's <c>WithReference(api)</c>, or by hand); an absolute
    /// <c>http://host:port</c> is used as it is.
    /// </summary>
    [Required]
    public Uri ApiAddress { get; set; } = new("http://api");

    /// <summary>
    /// How long a proxied response may stay silent before the proxy gives up on it. The Api sends an SSE keep-alive
    /// every 15 s by default; this only matters when that is turned off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
