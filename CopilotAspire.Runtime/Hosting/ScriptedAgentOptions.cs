using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Hosting;

public sealed class ScriptedAgentOptions
{
    /// <summary>Register the keyless <c>scripted</c> agent. Default true, so a first run works with no API key.</summary>
    public bool Enabled { get; set; } = true;
}
