using System.Net.Http.Headers;
using System.Text.Json;

namespace CopilotAspire.Tests.Transcription;

/// <summary>OpenAI-style multipart requests to the Transcriber, and reading its answers.</summary>
public static class TranscriberForms
{
    public static MultipartFormDataContent Form(byte[] audio, string fileName = "tone.wav", string? contentType = "audio/wav",
        params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(audio);
        if (contentType is not null)
        {
            file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        form.Add(file, "file", fileName);
        form.Add(new StringContent("whisper-1"), "model");
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        return form;
    }

    public static Task<HttpResponseMessage> TranscribeAsync(this HttpClient http, HttpContent content) =>
        http.PostAsync("v1/audio/transcriptions", content, TestContext.Current.CancellationToken);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The OpenAI error object of a response, after checking its status and shape.</summary>
    public static async Task<JsonElement> ErrorAsync(this HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        Assert.True(error.TryGetProperty("param", out _), "error.param must be present (null allowed)");
        Assert.True(error.TryGetProperty("code", out _), "error.code must be present (null allowed)");
        return error.Clone();
    }
}
