namespace CopilotAspire.Runtime.Protocol;

/// <summary>The events of a stored run held as their JSON (<see cref="SerializedEvents"/>, a Redis history entry).</summary>
public interface IStoredEvents
{
    /// <summary>The wire JSON of event <paramref name="index"/>.</summary>
    ReadOnlyMemory<byte> JsonOf(int index);

    /// <summary>Event <paramref name="index"/>, read from its JSON.</summary>
    AgUiEvent Read(int index);

    /// <summary>Event <paramref name="index"/> is a <c>RUN_ERROR</c> (known without reading it).</summary>
    bool IsRunError(int index);
}
