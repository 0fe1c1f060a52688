using Microsoft.Net.Http.Headers;

namespace CopilotAspire.Web.Hosting;

public static class FrontEndExtensions
{
    /// <summary>
    /// Serves the Vite build from the web root: hashed files under <c>/assets</c> are cached for good,
    /// <c>index.html</c> is revalidated on every load (so a new build shows at once), and every path that is not a
    /// file or a runtime path gets <c>index.html</c>.
    /// </summary>
    public static WebApplication MapFrontEnd(this WebApplication app)
    {
        if (!File.Exists(Path.Combine(app.Environment.WebRootPath, "index.html")))
        {
            WebLog.NoFrontEndBuild(app.Logger, app.Environment.WebRootPath);
        }
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                context.Context.Response.Headers[HeaderNames.CacheControl] =
                    context.Context.Request.Path.StartsWithSegments("/assets") ? "public, max-age=31536000, immutable" : "no-cache";
            },
        });
        app.MapFallbackToFile("index.html", new StaticFileOptions
        {
            OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
        return app;
    }
}
