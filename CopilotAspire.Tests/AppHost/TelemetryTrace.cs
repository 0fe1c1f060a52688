using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace CopilotAspire.Tests.AppHost;

/// <summary>One span as the dashboard's telemetry API returns it (OTLP JSON), with its resource's <c>service.name</c>.</summary>
public sealed record DashboardSpan(string Service, string TraceId, string SpanId, string? ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string?> Attributes);

/// <summary>
/// Reads the Aspire dashboard's telemetry HTTP API (<c>/api/telemetry/traces/{id}</c>, <c>/api/telemetry/resources</c>; open
/// with <c>ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true</c>), polling until what was exported over OTLP arrives:
/// exporters send in batches and nothing announces their arrival.
/// </summary>
public sealed class TelemetryTrace(HttpClient dashboard)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A W3C <c>traceparent</c> with a fresh trace id, so a test finds its own request's spans.</summary>
    public static (string TraceId, string Header) NewTraceParent()
    {
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return (traceId, $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
    }

    /// <summary>Waits for a span that <paramref name="service"/> (any replica) sent in trace <paramref name="traceId"/> and that matches <paramref name="match"/>.</summary>
    public async Task<DashboardSpan> WaitForSpanAsync(string service, string traceId, Func<DashboardSpan, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            // 404 until a span of the trace has arrived.
            using var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}", cancellationToken);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                response.EnsureSuccessStatusCode();
                var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
                var found = Spans(json).FirstOrDefault(s => s.Service == service && s.TraceId == traceId && match(s));
                if (found is not null)
                {
                    return found;
                }
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Waits until the dashboard lists metrics from <paramref name="resource"/>.</summary>
    public async Task<bool> WaitForMetricsAsync(string resource, CancellationToken cancellationToken)
    {
        while (true)
        {
            var resources = JsonNode.Parse(await dashboard.GetStringAsync("/api/telemetry/resources", cancellationToken))!.AsArray();
            if (resources.Any(r => (string?)r!["name"] == resource && (bool?)r["hasMetrics"] == true))
            {
                return true;
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static IEnumerable<DashboardSpan> Spans(JsonNode response)
    {
        foreach (var resourceSpans in response["data"]?["resourceSpans"]?.AsArray() ?? [])
        {
            var service = Attributes(resourceSpans!["resource"]?["attributes"]).GetValueOrDefault("service.name") ?? "";
            foreach (var scope in resourceSpans["scopeSpans"]?.AsArray() ?? [])
            {
                foreach (var span in scope!["spans"]?.AsArray() ?? [])
                {
                    yield return new DashboardSpan(service, (string)span!["traceId"]!, (string)span["spanId"]!, (string?)span["parentSpanId"],
                        (string)span["name"]!, (int?)span["kind"] ?? 0, Attributes(span["attributes"]));
                }
            }
        }
    }

    private static Dictionary<string, string?> Attributes(JsonNode? attributes) =>
        (attributes?.AsArray() ?? []).ToDictionary(a => (string)a!["key"]!, a => a!["value"] is JsonObject value ? value.First().Value?.ToString() : null);
}
