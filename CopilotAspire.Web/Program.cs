using CopilotAspire.Web.Hosting;

// The chat front end: serves the Vite build of ClientApp (copied next to the app as wwwroot/) and proxies the
// runtime's paths to the Api, so the page and the runtime share one origin.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});

builder.AddServiceDefaults();
builder.AddRuntimeProxy(); // RuntimeProxy:ApiAddress (http://api, resolved by service discovery: services:api:http:0)

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRuntimeProxy(); // /api/copilotkit/** and /api/copilotkit-single/** → the Api (YARP, streamed unbuffered)
app.MapFrontEnd(); // static files, index.html for every other path

app.Run();
