namespace CopilotAspire.Runtime.Protocol;

public sealed record FunctionCall
{
    public required string Name { get; init; }
    public required string Arguments { get; init; }
}
