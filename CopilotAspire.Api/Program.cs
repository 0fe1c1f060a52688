using CopilotAspire.Api.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();

builder.AddServiceDefaults();
builder.AddMemoryReclaim(); // Memory:…: one compacting GC once the app is quiet after a spike, so the peak heap goes back to the OS

// Agents, runner, CORS, limits: all from the "CopilotRuntime" configuration section (see README).
builder.AddCopilotRuntime()
    .AddAgentsFromConfiguration() // "default" (openai/gpt-4o) + CopilotRuntime:Agents:{id}
    .AddUserAuthenticationFromConfiguration(); // Auth:Enabled = JWT bearer users, each with their own threads (off by default)
builder.AddAgentRunnerFromConfiguration(); // CopilotRuntime:Runner = InMemory (default) | Redis (needs ConnectionStrings:redis)

var app = builder.Build();

app.MapDefaultEndpoints();

// REST at CopilotRuntime:BasePath (/api/copilotkit), single-route at CopilotRuntime:SingleRoutePath (/api/copilotkit-single).
app.MapCopilotRuntime().RequireUserWhenEnabled(app.Configuration);

return app.RunService(); // a port already in use is one line naming it, exit code 1

/// <summary>Exposed for WebApplicationFactory-based tests.</summary>
public partial class Program;
