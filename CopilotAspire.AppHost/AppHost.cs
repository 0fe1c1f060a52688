// The CopilotAspire app: Redis, the Transcriber, the Api's replicas behind one port, the chat page, and the dashboard.
// Settings (AppHost configuration: appsettings, user-secrets, environment, or --Key=value arguments; docs/aspire-app.md):
//   Redis:Mode         auto (default) | container | local | connection-string
//   Transcriber:Model  a whisper.cpp model name (downloaded on first start) or a ggml file path
//   Api:Replicas       2 (default); Api:Environment:<VAR> sets a variable of the Api
//   Parameters:openai-api-key (and the other model keys): optional secrets
//   Launcher:Lifeline, Launcher:ReadyFile  set by eng/run.sh: stop when it ends, say when the app is up
// Run mode starts every service on this machine; publish mode (azd up) writes the manifest that
// CopilotAspire.AppHost/infra/*.tmpl.yaml deploy to Azure Container Apps (docs/deploy.md).
var builder = DistributedApplication.CreateBuilder(args);

// Redis holds every run (the runner's streams, threads and locks): a container, a local redis-server or a connection string.
var redis = builder.AddRedisServer("redis");

// Speech to text (Whisper.net), internal only: the project in run mode (port 5190), its Dockerfile's image when published.
var transcriber = builder.AddTranscriber("transcriber");

// The CopilotKit runtime: replicas behind DCP's proxy (port 5180), public, the Redis runner, transcription by service discovery
// (not waited for: /transcribe answers 503 until the model is loaded).
var api = builder.AddProject<Projects.CopilotAspire_Api>("api", "http")
    .WithReplicas(builder.ApiReplicas())
    .WithoutPublishedHttpsEndpoint()
    .WithExternalHttpEndpoints()
    .WithServiceProbes()
    .WithRedis(redis)
    .WithEnvironment("CopilotRuntime__Runner", "Redis")
    .WithReference(transcriber.GetEndpoint("http"))
    .WithEnvironment("CopilotRuntime__Transcription__Endpoint", $"http://{transcriber.Resource.Name}/v1")
    .WithRedisCommandSpans()
    .WithConfiguredEnvironment()
    .WithModelKeys();

// The chat page (port 5200), public, started once the Api is healthy; its YARP proxy reaches the Api's replicas by
// service discovery (services__api__http__0), so the page's runtime calls share its origin.
builder.AddProject<Projects.CopilotAspire_Web>("web", "http")
    .WithoutPublishedHttpsEndpoint()
    .WithExternalHttpEndpoints()
    .WithServiceProbes()
    .WithReference(api)
    .WaitFor(api);

builder.AddLauncherLink();

builder.Build().Run();
