using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CopilotAspire.Transcriber.Engine;

/// <summary>Healthy once the speech engine can transcribe; Unhealthy while the model loads or when it failed to.</summary>
public sealed class SpeechEngineHealthCheck(ISpeechToTextClient engine) : IHealthCheck
{
    public const string Name = "speech-engine";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = SpeechEngineStatus.Of(engine);
        return Task.FromResult(status.IsReady
            ? HealthCheckResult.Healthy(status.Description)
            : HealthCheckResult.Unhealthy(status.Description, data: new Dictionary<string, object> { ["state"] = status.State.ToString() }));
    }
}
