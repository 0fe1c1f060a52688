using CopilotAspire.Transcriber.Engine;
using CopilotAspire.Transcriber.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Transcription;

/// <summary>Finding, downloading (from a loopback server here) and checking the ggml model file.</summary>
[Kind(TestKind.Fast)]
public sealed class GgmlModelStoreTranscriberTests : TempDirectoryTest
{
    private static GgmlModelStore Store(HttpClient http, WhisperOptions options) =>
        new(http, Options.Create(options), NullLogger<GgmlModelStore>.Instance);

    [Fact]
    public async Task A_missing_model_without_auto_download_names_the_path()
    {
        var path = Path.Combine(Dir.FullName, "ggml-base.bin");
        using var http = new HttpClient();

        var ex = await Assert.ThrowsAsync<SpeechModelUnavailableException>(() =>
            Store(http, new WhisperOptions { ModelPath = path }).EnsureModelAsync(Ct));

        Assert.Contains($"'{path}'", ex.Message);
        Assert.Contains("Whisper:AutoDownload=true", ex.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_ggml_is_refused_naming_the_path()
    {
        var path = Path.Combine(Dir.FullName, "model.bin");
        await File.WriteAllTextAsync(path, "<html>not a model</html>", Ct);
        using var http = new HttpClient();

        var ex = await Assert.ThrowsAsync<SpeechModelUnavailableException>(() =>
            Store(http, new WhisperOptions { ModelPath = path }).EnsureModelAsync(Ct));

        Assert.Equal($"The Whisper model file '{path}' is not a ggml model (it does not start with the ggml header).", ex.Message);
    }

    [Fact]
    public async Task Auto_download_fetches_ggml_model_name_into_the_configured_path()
    {
        var model = Path.Combine(Dir.FullName, "served.bin");
        TinyGgmlModel.Write(model);
        await using var server = await ModelServerAsync(model);
        var path = Path.Combine(Dir.FullName, "nested", "ggml-tiny.en.bin");
        using var http = new HttpClient();

        var found = await Store(http, new WhisperOptions { ModelPath = path, Model = "tiny.en", AutoDownload = true, DownloadBaseUrl = server.Url }).EnsureModelAsync(Ct);

        Assert.Equal(path, found);
        Assert.Equal(await File.ReadAllBytesAsync(model, Ct), await File.ReadAllBytesAsync(path, Ct));
        Assert.Equal(["/ggml-tiny.en.bin"], server.Requested);
        Assert.Single(Dir.GetDirectories("nested")[0].GetFiles()); // no partial file left behind
    }

    [Fact]
    public async Task A_failed_download_leaves_no_file_and_names_the_path_and_url()
    {
        var model = Path.Combine(Dir.FullName, "served.bin");
        TinyGgmlModel.Write(model);
        await using var server = await ModelServerAsync(model);
        var path = Path.Combine(Dir.FullName, "ggml-nope.bin");
        using var http = new HttpClient();

        var ex = await Assert.ThrowsAsync<SpeechModelUnavailableException>(() =>
            Store(http, new WhisperOptions { ModelPath = path, Model = "nope", AutoDownload = true, DownloadBaseUrl = server.Url }).EnsureModelAsync(Ct));

        Assert.Contains($"'{path}'", ex.Message);
        Assert.Contains("ggml-nope.bin failed with HTTP 404", ex.Message);
        Assert.Empty(Dir.GetFiles("ggml-nope*"));
    }

    [Fact]
    public void The_default_model_path_is_per_user_and_named_after_the_model()
    {
        var path = new WhisperOptions { Model = "small" }.ResolveModelPath();
        Assert.Equal(Path.Combine(WhisperOptions.DefaultModelDirectory, "ggml-small.bin"), path);
    }

    private sealed class ModelServer(WebApplication app, string url, List<string> requested) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public List<string> Requested { get; } = requested;

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    /// <summary>Serves <paramref name="model"/> at <c>/ggml-tiny.en.bin</c> and 404 elsewhere, on a loopback port.</summary>
    private static async Task<ModelServer> ModelServerAsync(string model)
    {
        var requested = new List<string>();
        var (app, address) = await LoopbackWebApp.StartAsync(_ => { }, app => app.MapGet("/{name}", (string name) =>
        {
            lock (requested)
            {
                requested.Add("/" + name);
            }
            return name == "ggml-tiny.en.bin" ? Results.File(model, "application/octet-stream") : Results.NotFound();
        }));
        return new ModelServer(app, address.ToString(), requested);
    }
}
