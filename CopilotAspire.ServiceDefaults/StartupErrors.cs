using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Start-up failures a new user hits, said once and plainly: an address already in use is one line naming the port
/// and how to pick another (exit code 1), instead of the host's logged stack trace followed by the same one unhandled.
/// </summary>
public static partial class StartupErrors
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private static volatile bool s_starting;

    /// <summary>
    /// Keeps the host from logging its own start-up failure while <see cref="RunService"/> starts the app (it reports
    /// the failure itself). Errors after the start, and apps started otherwise, are logged as usual.
    /// </summary>
    public static TBuilder AddStartupErrorReporting<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Information && (level < LogLevel.Error || !s_starting));
        return builder;
    }

    /// <summary>Runs the app until it shuts down; returns the process exit code (1 when its address is taken).</summary>
    public static int RunService(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        s_starting = true;
        using var started = app.Lifetime.ApplicationStarted.Register(() => s_starting = false);
        try
        {
            app.Run();
            return 0;
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            Console.Error.WriteLine(AddressInUse(ex.Message));
            return 1;
        }
        finally
        {
            s_starting = false;
        }
    }

    /// <summary>The one line for Kestrel's "Failed to bind to address http://host:port: address already in use."</summary>
    internal static string AddressInUse(string message)
    {
        var match = BindMessage().Match(message);
        if (!match.Success || !Uri.TryCreate(match.Groups["address"].Value, UriKind.Absolute, out var address))
        {
            return message + " Stop the process using it, or pick another address with --urls (or ASPNETCORE_URLS).";
        }
        var other = new UriBuilder(address) { Port = address.Port == 65535 ? 5000 : address.Port + 1 }.Uri.ToString().TrimEnd('/');
        return $"Port {address.Port} is already in use ({match.Groups["address"].Value}). Stop the process using it, or pick another port: --urls {other} (or ASPNETCORE_URLS={other}).";
    }

    [GeneratedRegex(@"address (?<address>\S+?): address already in use", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BindMessage();
}
