// The CopilotAspire app: Redis, the Transcriber and two Api replicas behind one port, with the dashboard.
// Settings (AppHost configuration: appsettings, user-secrets, environment, or --Key=value arguments; see README):
//   Redis:Mode         auto (default) | container | local | connection-string
//   Transcriber:Model  a whisper.cpp model name (downloaded on first start) or a ggml file path
//   Api:Replicas       2 (default)
//   Parameters:openai-api-key (and the other model keys): optional secrets
var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedisServer("redis");

var transcriber = builder.AddTranscriber("transcriber");

builder.AddCopilotApi("api", redis, transcriber);

builder.Build().Run();
