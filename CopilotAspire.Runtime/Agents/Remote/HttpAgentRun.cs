using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Agents.Remote;

/// <summary>
/// One run of an <see cref="HttpAgent"/>: the POST, then the answer's events one by one. A failure becomes the events
/// that close what the remote left open and one <c>RUN_ERROR</c> (<see cref="RemoteAgentErrors"/>); a stop (the run's
/// token) is thrown as <see cref="OperationCanceledException"/>, and disposing aborts the request at once.
/// </summary>
internal sealed partial class HttpAgentRun : IAsyncDisposable
{
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _client;
    private readonly HttpAgent _agent;
    private readonly HttpAgentOptions _options;
    private readonly RunAgentInput _input;
    private readonly ILogger _logger;
    private readonly CancellationToken _stop;
    private readonly CancellationTokenSource _deadline;
    private readonly Timer _watchdog;
    private long _lastByteTicks;
    private readonly RunFinalizer _finalizer = new();
    private HttpResponseMessage? _response;
    private SseEventReader? _reader;
    private List<AgUiEvent>? _closing;
    private int _closed;

    public HttpAgentRun(HttpClient client, HttpAgent agent, HttpAgentOptions options, RunAgentInput input, ILogger logger, CancellationToken stop)
    {
        _client = client;
        _agent = agent;
        _options = options;
        _input = input;
        _logger = logger;
        _stop = stop;
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _watchdog = new Timer(static state => ((HttpAgentRun)state!).CheckDeadline(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>The next event, or <see langword="null"/> at the end.</summary>
    /// <exception cref="OperationCanceledException">The run was stopped.</exception>
    public async ValueTask<AgUiEvent?> NextAsync()
    {
        if (_closing is not null)
        {
            return _closed < _closing.Count ? _closing[_closed++] : null;
        }
        try
        {
            if (_reader is null)
            {
                _reader = await StartAsync();
                if (_reader is null)
                {
                    return await NextAsync(); // the start failed: its closing events
                }
            }
            if (await _reader.ReadAsync(_deadline.Token) is not { } data)
            {
                return _finalizer.HasTerminal
                    ? null
                    : Fail(RemoteAgentErrors.IncompleteStream, "The remote agent's stream ended without RUN_FINISHED or RUN_ERROR.");
            }
            var e = RemoteEventReader.Read(data.Span);
            if (e is RunStartedEvent { Input: not null } started)
            {
                e = started with { Input = null }; // the runner records the input as this runtime received it
            }
            _finalizer.Observe(e);
            return e;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return _reader?.ReceivedAny == true
                ? Fail(RemoteAgentErrors.Timeout, $"The remote agent sent nothing for {_options.IdleTimeout.TotalSeconds:0.###} s (IdleTimeout).")
                : Fail(RemoteAgentErrors.Timeout, $"The remote agent sent no first byte within {_options.ConnectTimeout.TotalSeconds:0.###} s (ConnectTimeout).");
        }
        catch (HttpRequestException ex) when (_response is null)
        {
            return Fail(RemoteAgentErrors.Unreachable, $"The remote agent at {Origin} could not be reached: {ex.Message}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return Fail(RemoteAgentErrors.IncompleteStream, $"The remote agent's stream broke before RUN_FINISHED or RUN_ERROR: {ex.Message}");
        }
        catch (Exception ex) when (ex is JsonException or SseFormatException)
        {
            return Fail(RemoteAgentErrors.MalformedEvent, $"The remote agent sent an event that is not valid AG-UI: {ex.Message}");
        }
    }

    /// <summary>Sends the run; returns the reader of its event stream, or <see langword="null"/> after a failure.</summary>
    private async Task<SseEventReader?> StartAsync()
    {
        _watchdog.Change(_options.ConnectTimeout, Timeout.InfiniteTimeSpan);
        using var request = new HttpRequestMessage(HttpMethod.Post, _agent.Url)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(_input, AgUiJson.Context.RunAgentInput)),
        };
        request.Content.Headers.ContentType = Json;
        request.Headers.Accept.Add(EventStream);
        foreach (var (name, value) in _agent.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        LogRunStarting(_logger, _agent.AgentId, _input.ThreadId, _input.RunId, Origin);
        _response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _deadline.Token);
        if (!_response.IsSuccessStatusCode)
        {
            var detail = await ReadErrorAsync(_response);
            Failed(RemoteAgentErrors.HttpError, $"The remote agent answered HTTP {(int)_response.StatusCode}{(detail.Length > 0 ? ": " + detail : "")}");
            return null;
        }
        var mediaType = _response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            Failed(RemoteAgentErrors.NotEventStream, $"The remote agent answered {(int)_response.StatusCode} with content type '{mediaType ?? "(none)"}', not text/event-stream.");
            return null;
        }
        var stream = await _response.Content.ReadAsStreamAsync(_deadline.Token);
        return new SseEventReader(stream, _options.MaxEventBytes, Received);
    }

    /// <summary>
    /// Bytes arrived: the idle deadline moves. Only the time is noted (a timer change per read costs more than the read);
    /// the first byte re-arms the watchdog for <see cref="HttpAgentOptions.IdleTimeout"/>, which then checks when it fires.
    /// </summary>
    private void Received()
    {
        var first = Volatile.Read(ref _lastByteTicks) == 0;
        Volatile.Write(ref _lastByteTicks, Environment.TickCount64);
        if (first)
        {
            _watchdog.Change(_options.IdleTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The watchdog fired: cancel if the remote has been silent too long, else wait for the rest.</summary>
    private void CheckDeadline()
    {
        var last = Volatile.Read(ref _lastByteTicks);
        var remaining = last == 0 ? 0 : last + (long)_options.IdleTimeout.TotalMilliseconds - Environment.TickCount64;
        try
        {
            if (remaining > 0)
            {
                _watchdog.Change(TimeSpan.FromMilliseconds(remaining), Timeout.InfiniteTimeSpan);
            }
            else
            {
                _deadline.Cancel();
            }
        }
        catch (ObjectDisposedException)
        {
            // The run ended meanwhile.
        }
    }

    /// <summary>The message of a non-2xx answer: its JSON <c>message</c> (or <c>error</c>), else its text, bounded.</summary>
    private async Task<string> ReadErrorAsync(HttpResponseMessage response)
    {
        if (_options.MaxErrorBodyBytes == 0)
        {
            return "";
        }
        var buffer = new byte[_options.MaxErrorBodyBytes];
        var length = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(_deadline.Token);
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), _deadline.Token)) > 0)
            {
                length += read;
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException && !_stop.IsCancellationRequested)
        {
            // What arrived is all the detail there is.
        }
        var bytes = buffer.AsSpan(0, length);
        try
        {
            using var json = JsonDocument.Parse(buffer.AsMemory(0, length));
            foreach (var name in (ReadOnlySpan<string>)["message", "error"])
            {
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value)
                    && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
                {
                    return text;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (or cut short): the text itself.
        }
        return Encoding.UTF8.GetString(bytes).Trim();
    }

    private string Origin => _agent.Url.GetLeftPart(UriPartial.Path);

    /// <summary>Ends the run with a failure and returns its first closing event.</summary>
    private AgUiEvent? Fail(string code, string message)
    {
        Failed(code, message);
        return _closing![_closed++];
    }

    /// <summary>Ends the run with a failure: the request is closed, the closing events are next.</summary>
    private void Failed(string code, string message)
    {
        LogRemoteFailed(_logger, _agent.AgentId, _input.ThreadId, _input.RunId, Origin, code, message);
        _closing = _finalizer.Finalize(RunEnding.Failed(message, code), _input.ThreadId, _input.RunId);
        _closed = 0;
        Abort();
    }

    /// <summary>Ends the request: the connection closes (the client has no response draining), the remote sees it.</summary>
    private void Abort()
    {
        _reader?.Dispose();
        _response?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _watchdog.DisposeAsync();
        Abort();
        _deadline.Dispose();
    }

    [LoggerMessage(EventId = 2300, Level = LogLevel.Debug, Message = "Remote agent {AgentId} run {ThreadId}/{RunId}: POST {Url}")]
    private static partial void LogRunStarting(ILogger logger, string agentId, string threadId, string runId, string url);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Remote agent {AgentId} run {ThreadId}/{RunId} at {Url} failed ({Code}): {Reason}")]
    private static partial void LogRemoteFailed(ILogger logger, string agentId, string threadId, string runId, string url, string code, string reason);
}
