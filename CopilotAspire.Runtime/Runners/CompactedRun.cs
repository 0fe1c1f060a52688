using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// A finished run as a runner stores it (<see cref="RunLifecycle.Compact"/>): its events compacted, and the message
/// ids it makes known to the thread (a later run's <c>RUN_STARTED.input</c> carries only the other messages).
/// </summary>
/// <param name="Events">The compacted events, in order (wire spec §4.5).</param>
/// <param name="MessageIds">The ids of the messages the run holds, its input's and its own.</param>
public sealed record CompactedRun(List<AgUiEvent> Events, HashSet<string> MessageIds);
