namespace CopilotAspire.Runtime.Runners.Threads;

/// <summary>A change to a thread's metadata; a <see langword="null"/> field is left as it is.</summary>
/// <param name="Name">The new name (an empty string clears it).</param>
/// <param name="Archived">Archive (<see langword="true"/>) or unarchive.</param>
public sealed record ThreadUpdate(string? Name = null, bool? Archived = null);
