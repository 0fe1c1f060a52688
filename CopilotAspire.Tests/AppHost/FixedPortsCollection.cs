namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// Tests that start the app on its fixed ports (5180, 5190, 5200, 15886-15888, as <c>eng/run.sh</c> does): one at a time,
/// and never beside another test collection, so no two of them hold those ports at once.
/// </summary>
[CollectionDefinition(nameof(FixedPortsCollection), DisableParallelization = true)]
public sealed class FixedPortsCollection;
