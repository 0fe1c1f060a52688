using Microsoft.Extensions.AI;

namespace CopilotAspire.Transcriber.Engine;

/// <summary>
/// Whether a speech engine can transcribe yet. An engine exposes it through
/// <see cref="ISpeechToTextClient.GetService"/>; an engine that exposes none is taken to be ready.
/// </summary>
public sealed class SpeechEngineStatus
{
    private volatile Snapshot _current;

    public SpeechEngineStatus(SpeechEngineState state, string description) => _current = new(state, description);

    public SpeechEngineState State => _current.State;

    /// <summary>Human-readable: what is loading, what loaded, or why it failed (names the model path).</summary>
    public string Description => _current.Description;

    public bool IsReady => State == SpeechEngineState.Ready;

    public void Set(SpeechEngineState state, string description) => _current = new(state, description);

    /// <summary>The status <paramref name="engine"/> reports, or "ready" when it reports none.</summary>
    public static SpeechEngineStatus Of(ISpeechToTextClient engine) =>
        engine.GetService<SpeechEngineStatus>() ?? new(SpeechEngineState.Ready, "The speech engine is ready.");

    private sealed record Snapshot(SpeechEngineState State, string Description);
}
