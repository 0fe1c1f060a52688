using System.Net;
using System.Text;
using System.Text.Json;

namespace CopilotAspire.Soak;

/// <summary>How one run or connect stream ended, as its client saw it.</summary>
internal sealed record StreamResult(HttpStatusCode Status, int Events, int Contents, string? LastType, string? LastCode, bool Cut, string Text, bool Valid)
{
    public bool Finished => !Cut && LastType == "RUN_FINISHED";

    public bool Interrupted => !Cut && LastType == "RUN_ERROR" && LastCode == "RUN_INTERRUPTED";
}

/// <summary>
/// A light SSE client for the scripted agent: one pooled connection per open stream, a small read buffer, each event
/// parsed for its type, code and text delta, and the stream's shape checked (starts with RUN_STARTED, every text
/// message ended, one terminal event last).
/// </summary>
internal sealed class SseClient : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    public static string Body(string threadId, string runId, string text) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["threadId"] = threadId,
            ["runId"] = runId,
            ["messages"] = text.Length == 0 ? Array.Empty<object>() : new object[] { new Dictionary<string, string> { ["id"] = runId + "-u", ["role"] = "user", ["content"] = text } },
            ["tools"] = Array.Empty<object>(),
            ["context"] = Array.Empty<object>(),
            ["forwardedProps"] = new Dictionary<string, object>(),
        });

    /// <summary>Posts to <c>agent/scripted/{route}</c> and reads the stream to its end (or until it is cut).</summary>
    /// <param name="onHeaders">Called once the response headers arrived (the stream is open).</param>
    /// <param name="onFirstContent">Called once the first TEXT_MESSAGE_CONTENT arrived (the run is mid-way).</param>
    public async Task<StreamResult> StreamAsync(Uri api, string route, string body, CancellationToken cancellationToken, Action? onHeaders = null, Action? onFirstContent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(api, "api/copilotkit/agent/scripted/" + route))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return new StreamResult(0, 0, 0, null, null, Cut: true, "", Valid: false);
        }
        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new StreamResult(response.StatusCode, 0, 0, null, null, Cut: false, "", Valid: false);
            }
            onHeaders?.Invoke();
            var shape = new Shape();
            var text = new StringBuilder();
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                await foreach (var frame in Sse.ReadFramesAsync(stream, cancellationToken, bufferSize: 1024))
                {
                    if (frame.Data is { } data)
                    {
                        shape.Observe(data, text);
                        if (shape.Contents == 1 && onFirstContent is not null)
                        {
                            onFirstContent();
                            onFirstContent = null;
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
            {
                return new StreamResult(response.StatusCode, shape.Events, shape.Contents, shape.LastType, shape.LastCode, Cut: true, text.ToString(), Valid: false);
            }
            return new StreamResult(response.StatusCode, shape.Events, shape.Contents, shape.LastType, shape.LastCode, Cut: false, text.ToString(), shape.Valid);
        }
    }

    /// <summary>GET <paramref name="path"/>; the status, or 0 when the server cannot be reached.</summary>
    public async Task<HttpStatusCode> GetStatusAsync(Uri api, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(api, path), cancellationToken);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The stream's shape so far.</summary>
    private sealed class Shape
    {
        private int _open;
        private bool _broken;
        private bool _terminal;

        public int Events { get; private set; }
        public int Contents { get; private set; }
        public string? LastType { get; private set; }
        public string? LastCode { get; private set; }

        public bool Valid => !_broken && _terminal && _open == 0;

        public void Observe(string json, StringBuilder text)
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var type = root.GetProperty("type").GetString();
            var starts = type == "RUN_STARTED";
            // First a RUN_STARTED; nothing after a terminal but the next run (a connect replays several); no run
            // starts before the one before it ended.
            _broken |= Events == 0 ? !starts : starts ? !_terminal || _open != 0 : _terminal;
            Events++;
            LastType = type;
            LastCode = root.TryGetProperty("code", out var code) ? code.GetString() : null;
            switch (type)
            {
                case "TEXT_MESSAGE_START":
                    _open++;
                    break;
                case "TEXT_MESSAGE_END":
                    _open--;
                    break;
                case "TEXT_MESSAGE_CONTENT":
                    Contents++;
                    text.Append(root.GetProperty("delta").GetString());
                    break;
                case "RUN_STARTED":
                    _terminal = false;
                    break;
                case "RUN_FINISHED" or "RUN_ERROR":
                    _terminal = true;
                    break;
            }
        }
    }
}
