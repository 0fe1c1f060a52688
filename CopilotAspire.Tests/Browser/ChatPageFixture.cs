using CopilotAspire.Tests.Fakes;
using CopilotAspire.Tests.Transcription;
using Microsoft.Playwright;

namespace CopilotAspire.Tests.Browser;

/// <summary>
/// The product as a browser sees it, shared by one test class: a real Api process (in-memory runner, the fake OpenAI
/// server as the <c>default</c> agent's model, transcription through the real Transcriber with the Whisper engine on a
/// generated model), the Web host process in front of it (its YARP proxy finds the Api through
/// <c>services:api:http:0</c>), and one headless Chromium whose fake microphone plays a generated WAV.
/// </summary>
public sealed class ChatPageFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("copilotaspire-browser-").FullName;
    private TranscriberTestServer? _transcriber;
    private WebStack? _stack;
    private IPlaywright? _playwright;

    public FakeOpenAiServer OpenAi { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The Web host's <c>http://127.0.0.1:port</c>.</summary>
    public string BaseUrl => _stack!.BaseUrl;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var wav = Path.Combine(_directory, "microphone.wav");
        await File.WriteAllBytesAsync(wav, TestAudio.SineWav(48000, 1, 16, seconds: 2, frequency: 300), ct);

        // Independent parts start together (2 cores: the processes' JIT dominates).
        var openAi = FakeOpenAiServer.StartAsync(ct);
        var transcriber = TranscriberTestServer.StartAsync(engine: null, new Dictionary<string, string?> { ["Whisper:ModelPath"] = GeneratedWhisperModel.DefaultPath });
        var browser = Chromium.LaunchAsync(wav);
        OpenAi = await openAi;
        _transcriber = await transcriber;
        _stack = await WebStack.StartAsync(new Dictionary<string, string>
        {
            ["OPENAI_BASE_URL"] = OpenAi.OpenAiBaseUrl,
            ["OPENAI_API_KEY"] = "sk-test-not-a-secret",
            ["CopilotRuntime__Transcription__Endpoint"] = new Uri(_transcriber.BaseAddress, "v1").ToString(),
        }, ct);
        (_playwright, Browser) = await browser;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
        if (_transcriber is not null)
        {
            await _transcriber.DisposeAsync();
        }
        if (OpenAi is not null)
        {
            await OpenAi.DisposeAsync();
        }
        Directory.Delete(_directory, recursive: true);
    }
}
