using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>
/// The keyless <c>scripted</c> test agent (configuration section <c>CopilotRuntime:ScriptedAgent</c>;
/// docs/spec/scripted-agent.md).
/// </summary>
public sealed class ScriptedAgentOptions
{
    /// <summary>Register the keyless <c>scripted</c> agent. Default true, so a first run works with no API key.</summary>
    public bool Enabled { get; set; } = true;
}
