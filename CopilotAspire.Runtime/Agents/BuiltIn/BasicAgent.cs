using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// The same agent under the official runtime's older name (deprecated there in favour of <see cref="BuiltInAgent"/>);
/// <c>/info</c> reports its class name as <c>BasicAgent</c>. Kept only as that alias: everything else is named BuiltIn.
/// </summary>
[Obsolete("Use BuiltInAgent instead (deprecated in the official runtime too).")]
public sealed class BasicAgent : BuiltInAgent
{
    /// <inheritdoc cref="BuiltInAgent(BuiltInAgentOptions, IConfiguration, ILoggerFactory)"/>
    public BasicAgent(BuiltInAgentOptions options, IConfiguration? configuration = null, ILoggerFactory? loggerFactory = null)
        : base(options, configuration, loggerFactory)
    {
    }

    /// <inheritdoc cref="BuiltInAgent(BuiltInAgentOptions, ProviderEnvironment, ILoggerFactory)"/>
    public BasicAgent(BuiltInAgentOptions options, ProviderEnvironment environment, ILoggerFactory? loggerFactory = null)
        : base(options, environment, loggerFactory)
    {
    }

    private BasicAgent(BasicAgent source)
        : base(source)
    {
    }

    /// <inheritdoc/>
    public override AbstractAgent Clone() => new BasicAgent(this);
}
