using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>CORS as the official runtime does it: permissive (<c>*</c>) unless origins are listed.</summary>
public sealed class CopilotCorsOptions
{
    /// <summary>Answer preflights and add CORS headers. Default true; turn off to use ASP.NET Core's CORS instead.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Allowed origins; empty or <c>*</c> allows any. Default any.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Send <c>Access-Control-Allow-Credentials: true</c> (the request's origin is echoed instead of <c>*</c>).</summary>
    public bool AllowCredentials { get; set; }

    /// <summary>
    /// Response headers the browser may read, sent as <c>Access-Control-Expose-Headers</c>; empty (the default) sends
    /// none.
    /// </summary>
    public string[] ExposeHeaders { get; set; } = [];

    /// <summary>
    /// How long a browser may cache a preflight answer, sent as <c>Access-Control-Max-Age</c>; <see langword="null"/>
    /// (the default) sends none. Not negative.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int? MaxAgeSeconds { get; set; }
}
