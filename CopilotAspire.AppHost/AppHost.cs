// The CopilotAspire app: Redis, the Transcriber, two Api replicas behind one port, the chat page, and the dashboard.
// Settings (AppHost configuration: appsettings, user-secrets, environment, or --Key=value arguments; see README):
//   Redis:Mode         auto (default) | container | local | connection-string
//   Transcriber:Model  a whisper.cpp model name (downloaded on first start) or a ggml file path
//   Api:Replicas       2 (default)
//   Parameters:openai-api-key (and the other model keys): optional secrets
//   Launcher:Lifeline, Launcher:ReadyFile  set by eng/run.sh: stop when it ends, say when the app is up
var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedisServer("redis");

var transcriber = builder.AddTranscriber("transcriber");

var api = builder.AddCopilotApi("api", redis, transcriber);

builder.AddCopilotWeb("web", api); // the chat page: http://localhost:5200

builder.AddLauncherLink();

builder.Build().Run();
