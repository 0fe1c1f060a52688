namespace CopilotAspire.Runtime.Agents;

/// <summary>
/// A tool that asks a human before the run goes on (the official <c>defineTool({…, interrupt: true})</c>): when the
/// model calls it, the run ends with <c>RUN_FINISHED.outcome = {type:"interrupt", interrupts:[…]}</c> keyed by the
/// tool call's id, and the next run's <c>resume</c> entry becomes the call's result. Bindable from
/// <c>CopilotRuntime:Agents:{id}:InterruptTools:{n}</c>.
/// </summary>
public sealed class InterruptToolOptions
{
    /// <summary>The tool's name, as the model sees it.</summary>
    public string Name { get; set; } = "";

    /// <summary>What the tool is for, as the model sees it.</summary>
    public string? Description { get; set; }

    /// <summary>The JSON Schema of its arguments, as JSON text; <c>{"type":"object","properties":{}}</c> when unset.</summary>
    public string? Parameters { get; set; }

    /// <summary>The interrupt's <c>reason</c> (default <c>tool_call</c>).</summary>
    public string? Reason { get; set; }

    /// <summary>The interrupt's <c>message</c>, shown to the human (omitted when unset).</summary>
    public string? Message { get; set; }

    internal InterruptToolOptions Copy() => new()
    {
        Name = Name,
        Description = Description,
        Parameters = Parameters,
        Reason = Reason,
        Message = Message,
    };
}
