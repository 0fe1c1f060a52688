using Microsoft.Extensions.AI;

namespace CopilotAspire.Transcriber.Engine;

/// <summary>The language codes an engine accepts (besides <c>auto</c>), exposed through <see cref="ISpeechToTextClient.GetService"/>.</summary>
public sealed record SpeechLanguages(IReadOnlySet<string> Codes);
