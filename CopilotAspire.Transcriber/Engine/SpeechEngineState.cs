namespace CopilotAspire.Transcriber.Engine;

public enum SpeechEngineState
{
    Loading,
    Ready,
    Failed,
}
