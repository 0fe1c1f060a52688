using CopilotAspire.Transcriber.Api;
using CopilotAspire.Transcriber.Hosting;

// The OpenAI-compatible speech-to-text service: POST /v1/audio/transcriptions, GET /v1/models, /health.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTranscriber();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapTranscriberApi();

return app.RunService(); // a port already in use is one line naming it, exit code 1
