using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Testing;

/// <summary>OpenAI transcription (<c>POST /v1/audio/transcriptions</c>): the multipart upload recorded, answered as json, text or verbose_json.</summary>
public sealed partial class FakeOpenAiServer
{
    private async Task<RecordedRequest> RecordMultipartAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        RecordedFile? file = null;
        if (form.Files.Count > 0)
        {
            var f = form.Files[0];
            using var content = new MemoryStream();
            await f.CopyToAsync(content, context.RequestAborted);
            file = new RecordedFile(f.Name, f.FileName, f.ContentType, content.ToArray());
        }
        return Record(context, "", null, fields, file);
    }

    private async Task TranscribeAsync(HttpContext context, RecordedRequest recorded)
    {
        var reply = _transcriptions.TryDequeue(out var queued) ? queued
            : DefaultTranscription ?? TranscriptionReply.Error(500, "FakeOpenAiServer: no transcription queued");
        if (reply.Hold is { } hold)
        {
            await hold.PassAsync(context.RequestAborted);
        }
        if (reply.ErrorStatus is { } status)
        {
            await WriteOpenAiErrorAsync(context, status, reply.ErrorMessage ?? "error", status < 500 ? "invalid_request_error" : "server_error", null);
            return;
        }
        var text = reply.Text ?? "";
        switch (recorded.Form.GetValueOrDefault("response_format") ?? "json")
        {
            case "text" or "srt" or "vtt":
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(text, context.RequestAborted);
                break;
            case "verbose_json":
                await WriteJsonAsync(context, 200, w =>
                {
                    w.WriteString("task", "transcribe");
                    w.WriteString("language", recorded.Form.GetValueOrDefault("language") ?? "english");
                    w.WriteNumber("duration", 1.0);
                    w.WriteString("text", text);
                    w.WriteStartArray("segments");
                    w.WriteEndArray();
                });
                break;
            default:
                await WriteJsonAsync(context, 200, w => w.WriteString("text", text));
                break;
        }
    }
}
