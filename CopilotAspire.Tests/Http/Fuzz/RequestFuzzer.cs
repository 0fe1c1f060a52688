using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CopilotAspire.Tests.Http.Fuzz;

/// <summary>One generated request: what to send, and a short description for failure messages.</summary>
public sealed record FuzzRequest(int Index, string Kind, string Method, string Path, byte[]? Body, string? ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Path.TrimStart('/'));
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }
        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }

    public override string ToString() =>
        $"#{Index} {Kind}: {Method} {Path} [{ContentType}] {(Body is null ? "(no body)" : Preview(Body))}";

    private static string Preview(byte[] body) =>
        body.Length <= 300 ? Encoding.UTF8.GetString(body) : Encoding.UTF8.GetString(body, 0, 300) + $"… ({body.Length} bytes)";
}

/// <summary>
/// Generates malformed (and some well-formed) requests for every route of both transports from a seed: mutated
/// <c>RunAgentInput</c> bodies, envelopes with wrong methods and params, truncated / non-JSON / wrong-charset bodies,
/// odd paths and escapes, other HTTP methods, and <c>/transcribe</c> bodies.
/// </summary>
public sealed class RequestFuzzer(int seed, IReadOnlyList<string> threadIds)
{
    public const string Rest = "/api/copilotkit";
    public const string Single = "/api/copilotkit-single";

    private static readonly string[] Methods = ["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "PROPFIND", "post", "Post"];
    private static readonly string[] Agents = ["scripted", "nope", "", "SCRIPTED", "scripted%2F..", "%00", "ä", "a b"];
    private static readonly string[] Roles = ["user", "assistant", "system", "developer", "tool", "activity", "reasoning", "", "robot", "USER"];
    private static readonly string[] EnvelopeMethods = ["agent/run", "agent/connect", "agent/stop", "info", "transcribe", "agent/suggest", "inspector/metadata", "INFO", "agent/run/", "", "nope"];
    private static readonly string[] ContentTypes = ["application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/json; charset=latin1", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x", "application/jsonx", "*/*", ""];
    private static readonly string[] OddSegments = ["%2F", "%2f..%2f", "..", ".", "%00", "%ZZ", "%C0%AF", "%E2%80%AE", "%", "ä", "%F0%9F%98%80", "~", "%20", "a;b", "a%3Bb", "info", "agent", "run", "connect", "stop", "transcribe", "INFO", "Agent"];

    private readonly Random _random = new(seed);

    public int Seed => seed;

    public IEnumerable<FuzzRequest> Generate(int count, bool transcribe)
    {
        for (var i = 0; i < count; i++)
        {
            yield return transcribe ? Transcribe(i) : _random.Next(9) switch
            {
                0 or 1 or 2 => RunOrConnect(i),
                3 => Stop(i),
                4 or 5 => Envelope(i),
                6 => RawBody(i),
                7 => OddPath(i),
                _ => OtherMethod(i),
            };
        }
    }

    private FuzzRequest RunOrConnect(int i)
    {
        var route = Pick(["run", "connect"]);
        return Json(i, "mutated " + route, $"{Rest}/agent/{Pick(Agents)}/{route}", MutatedInput());
    }

    private FuzzRequest Stop(int i)
    {
        JsonNode? body = _random.Next(5) switch
        {
            0 => null,
            1 => new JsonObject { ["runId"] = RandomValue(2) },
            2 => new JsonObject { ["runId"] = "r1", ["extra"] = 1 },
            3 => RandomValue(3),
            _ => new JsonObject { ["runId"] = RandomString() },
        };
        var thread = _random.Next(3) == 0 ? EscapedSegment() : Uri.EscapeDataString(PickThread());
        return Json(i, "stop", $"{Rest}/agent/{Pick(Agents)}/stop/{thread}", body);
    }

    private FuzzRequest Envelope(int i)
    {
        var envelope = new JsonObject();
        if (_random.Next(8) != 0)
        {
            envelope["method"] = _random.Next(6) == 0 ? RandomValue(1) : Pick(EnvelopeMethods);
        }
        if (_random.Next(6) != 0)
        {
            envelope["params"] = _random.Next(4) == 0 ? RandomValue(2) : new JsonObject
            {
                ["agentId"] = _random.Next(4) == 0 ? RandomValue(1) : Pick(Agents),
                ["threadId"] = _random.Next(4) == 0 ? RandomValue(1) : PickThread(),
            };
        }
        if (_random.Next(5) != 0)
        {
            envelope["body"] = _random.Next(3) == 0 ? RandomValue(3) : MutatedInput();
        }
        return Json(i, "envelope", _random.Next(6) == 0 ? Single + "/" + Pick(OddSegments) : Single, envelope);
    }

    private FuzzRequest RawBody(int i)
    {
        var path = Pick([$"{Rest}/agent/scripted/run", $"{Rest}/agent/scripted/connect", $"{Rest}/agent/scripted/stop/{PickThread()}", Single, $"{Rest}/info", Rest]);
        var valid = Encoding.UTF8.GetBytes(RuntimeInputFor(PickThread()).ToJsonString());
        var (kind, body, contentType) = _random.Next(7) switch
        {
            0 => ("truncated", valid[..Math.Max(1, _random.Next(valid.Length))], "application/json"),
            1 => ("random bytes", RandomBytes(_random.Next(1, 2000)), Pick(ContentTypes)),
            2 => ("utf-16 body", Encoding.Unicode.GetBytes(RuntimeInputFor(PickThread()).ToJsonString()), "application/json; charset=utf-16"),
            3 => ("invalid utf-8", InvalidUtf8(Pick([valid, Encoding.UTF8.GetBytes("""{"method":"info","params":{"agentId":"scripted","threadId":"t"},"body":{"runId":"r"}}"""), Encoding.UTF8.GetBytes("""{"runId":"r"}""")])), "application/json"),
            4 => ("empty", [], Pick(ContentTypes)),
            5 => ("latin1", Encoding.Latin1.GetBytes("""{"threadId":"Ä","runId":"é","messages":[],"tools":[],"context":[]}"""), "application/json; charset=latin1"),
            _ => ("non-JSON text", Encoding.UTF8.GetBytes(Pick(["null", "[]", "true", "1e999", "\"x\"", "{", "}", "{\"a\":}", "NaN", "{'a':1}", "\uFEFF{}"])), "application/json"),
        };
        return new FuzzRequest(i, kind, "POST", path, body, contentType, NoHeaders);
    }

    private FuzzRequest OddPath(int i)
    {
        var segments = Enumerable.Range(0, _random.Next(1, 6)).Select(_ => _random.Next(3) == 0 ? EscapedSegment() : Pick(OddSegments));
        var path = Pick([Rest, Single, Rest + "/agent", Rest + "/agent/scripted", "/api"]) + Pick(["/", "//", "/./"]) + string.Join(Pick(["/", "//"]), segments)
            + (_random.Next(4) == 0 ? "?" + Pick(["a=%ZZ", "threadId=x&x", "%00", "a=" + new string('q', 500)]) : "");
        var method = Pick(["POST", "GET", "FOO"]);
        return method == "GET" ? new FuzzRequest(i, "odd path", method, path, null, null, NoHeaders) : Json(i, "odd path", path, MutatedInput(), method);
    }

    private FuzzRequest OtherMethod(int i)
    {
        var path = Pick([$"{Rest}/agent/scripted/run", $"{Rest}/agent/scripted/connect", $"{Rest}/agent/scripted/stop/{PickThread()}", $"{Rest}/info", $"{Rest}/transcribe", Single, $"{Rest}/nowhere"]);
        var method = Pick(Methods);
        var withBody = method is not ("GET" or "HEAD" or "TRACE") && _random.Next(2) == 0;
        var headers = _random.Next(3) == 0 ? new Dictionary<string, string> { ["Origin"] = "https://fuzz.example", ["Access-Control-Request-Method"] = Pick(Methods) } : NoHeaders;
        return new FuzzRequest(i, "method " + method, method, path, withBody ? Encoding.UTF8.GetBytes(MutatedInput().ToJsonString()) : null, withBody ? "application/json" : null, headers);
    }

    private FuzzRequest Transcribe(int i)
    {
        var boundary = "fuzz" + _random.Next(1000);
        var audio = Convert.ToBase64String(RandomBytes(_random.Next(0, 400)));
        var (kind, body, contentType) = _random.Next(8) switch
        {
            0 => ("multipart without a boundary", RandomBytes(_random.Next(0, 500)), "multipart/form-data"),
            1 => ("multipart claim, not multipart", Encoding.UTF8.GetBytes(Pick(["hello", "{}", "--", $"--{boundary}", $"--{boundary}\r\n"])), $"multipart/form-data; boundary={boundary}"),
            2 => ("multipart, truncated part", Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF"), $"multipart/form-data; boundary={boundary}"),
            3 => ("multipart, bad part headers", Encoding.UTF8.GetBytes($"--{boundary}\r\n{new string('x', _random.Next(1, 20000))}\r\n\r\n--{boundary}--\r\n"), $"multipart/form-data; boundary={boundary}"),
            4 => ("multipart, odd boundary", Encoding.UTF8.GetBytes($"--{boundary}--\r\n"), Pick(["multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"", $"multipart/form-data; boundary={new string('b', 200)}", "multipart/form-data; boundary=a;boundary=b"])),
            5 => ("json audio", Encoding.UTF8.GetBytes(new JsonObject { ["audio"] = _random.Next(3) == 0 ? RandomValue(2) : audio, ["mimeType"] = _random.Next(3) == 0 ? RandomValue(1) : "audio/wav", ["filename"] = RandomValue(1) }.ToJsonString()), "application/json"),
            6 => ("json envelope transcribe", Encoding.UTF8.GetBytes(new JsonObject { ["method"] = "transcribe", ["body"] = _random.Next(2) == 0 ? RandomValue(3) : new JsonObject { ["audio"] = audio, ["mimeType"] = RandomValue(1) } }.ToJsonString()), "application/json"),
            _ => ("random", RandomBytes(_random.Next(0, 1000)), Pick(ContentTypes)),
        };
        var path = kind == "json envelope transcribe" ? Single : $"{Rest}/transcribe";
        return new FuzzRequest(i, "transcribe: " + kind, "POST", path, body, contentType, NoHeaders);
    }

    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    private FuzzRequest Json(int i, string kind, string path, JsonNode? body, string method = "POST") =>
        new(i, kind, method, path, body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString()), Pick(ContentTypes[..3]), NoHeaders);

    /// <summary>A valid input, then one to three mutations.</summary>
    private JsonNode MutatedInput()
    {
        var input = RuntimeInputFor(PickThread());
        for (var n = _random.Next(1, 4); n > 0; n--)
        {
            Mutate(input);
        }
        return input;
    }

    private static JsonObject RuntimeInputFor(string threadId) => new()
    {
        ["threadId"] = threadId,
        ["runId"] = "fuzz-run",
        ["messages"] = new JsonArray(new JsonObject { ["id"] = "u1", ["role"] = "user", ["content"] = "hi" }),
        ["tools"] = new JsonArray(),
        ["context"] = new JsonArray(),
        ["state"] = new JsonObject(),
        ["forwardedProps"] = new JsonObject(),
    };

    private void Mutate(JsonObject input)
    {
        string[] fields = ["threadId", "runId", "messages", "tools", "context", "state", "forwardedProps", "parentRunId"];
        var field = Pick(fields);
        switch (_random.Next(6))
        {
            case 0:
                input.Remove(field);
                break;
            case 1:
                input[field] = RandomValue(3);
                break;
            case 2:
                input["messages"] = new JsonArray([.. Enumerable.Range(0, _random.Next(1, 4)).Select(_ => BadMessage())]);
                break;
            case 3:
                input[Pick(["tools", "context"])] = new JsonArray(_random.Next(2) == 0 ? RandomValue(2) : new JsonObject { ["name"] = RandomValue(1), ["description"] = RandomValue(1), ["parameters"] = RandomValue(2), ["value"] = RandomValue(1) });
                break;
            case 4:
                input[field] = Nested(_random.Next(2) == 0 ? _random.Next(1, 70) : _random.Next(60, 300));
                break;
            default:
                input["threadId"] = Pick(["", "\t", "a\u0000b", "line\nbreak", new string('t', _random.Next(200, 5000)), "{t:x}", "x}:lock", "ä/ö"]);
                break;
        }
    }

    private JsonNode BadMessage()
    {
        var message = new JsonObject { ["id"] = _random.Next(4) == 0 ? RandomValue(1) : "m" + _random.Next(100), ["role"] = _random.Next(5) == 0 ? RandomValue(1) : Pick(Roles) };
        message["content"] = _random.Next(4) switch
        {
            0 => RandomValue(2),
            1 => new JsonArray(new JsonObject { ["type"] = Pick(["text", "binary", "image", "", "audio"]), ["text"] = RandomValue(1), ["mimeType"] = RandomValue(1), ["data"] = RandomValue(1), ["url"] = RandomValue(1) }),
            2 => new JsonArray(RandomValue(1), RandomValue(1)),
            _ => RandomString(),
        };
        if (_random.Next(3) == 0)
        {
            message["toolCalls"] = _random.Next(2) == 0 ? RandomValue(2) : new JsonArray(new JsonObject { ["id"] = RandomValue(1), ["type"] = Pick(["function", "x"]), ["function"] = new JsonObject { ["name"] = RandomValue(1), ["arguments"] = RandomValue(1) } });
        }
        if (_random.Next(4) == 0)
        {
            message["toolCallId"] = RandomValue(1);
        }
        return message;
    }

    private JsonNode? RandomValue(int depth) => _random.Next(depth > 0 ? 9 : 6) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(3) == 0 ? double.MaxValue : _random.Next(-5, 1_000_000)),
        2 => JsonValue.Create(_random.Next(2) == 0),
        3 => JsonValue.Create(RandomString()),
        4 => JsonValue.Create(new string(Pick(['x', 'ä', '"', '\\', '\u2028']), _random.Next(10_000, 100_000))),
        5 => JsonValue.Create(""),
        6 => new JsonArray([.. Enumerable.Range(0, _random.Next(0, 4)).Select(_ => RandomValue(depth - 1))]),
        7 => new JsonObject { [RandomString()] = RandomValue(depth - 1), ["type"] = RandomValue(depth - 1) },
        _ => Nested(_random.Next(1, 300)),
    };

    private static JsonNode Nested(int depth)
    {
        JsonNode node = JsonValue.Create(1);
        for (var d = 0; d < depth; d++)
        {
            node = d % 2 == 0 ? new JsonObject { ["a"] = node } : new JsonArray(node);
        }
        return node;
    }

    private string RandomString()
    {
        const string Alphabet = "abcXYZ019 _-./:@{}[]\"\\\t\n\u0000\u00e4\u20ac\U0001F600%+";
        var length = _random.Next(0, 40);
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Alphabet[_random.Next(Alphabet.Length)]);
        }
        return builder.ToString();
    }

    private string EscapedSegment() => Pick(["%2F", "a%2Fb", "%00", "%ZZ", "%C0%AF", "%E2%80%AE", "%F0%9F%98%80", "%25", "%", "%2e%2e", "..%2F..%2F", "t%0Ab", "%7Bt:x%7D"]);

    private string PickThread() => _random.Next(3) == 0 ? threadIds[_random.Next(threadIds.Count)] : "fuzz-" + _random.Next(50);

    /// <summary><paramref name="json"/> with an invalid UTF-8 sequence inside one of its strings (a name or a value).</summary>
    private byte[] InvalidUtf8(byte[] json)
    {
        var quotes = Enumerable.Range(0, json.Length).Where(i => json[i] == (byte)'"').ToList();
        var at = quotes[_random.Next(quotes.Count)] + 1;
        byte[] bad = Pick<byte[]>([[0xC0, 0xAF], [0xFF], [0xED, 0xA0, 0x80], [0xE2, 0x82]]);
        return [.. json[..at], .. bad, .. json[at..]];
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
