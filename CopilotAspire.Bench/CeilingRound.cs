namespace CopilotAspire.Bench;

/// <summary>
/// One round of the ceiling rows at one concurrency, each on a fresh server: ours (in memory, scripted) and the bare
/// Kestrel endpoint writing the same frames flushed per frame and coalesced (one flush per run).
/// </summary>
public sealed record CeilingRound(int Concurrency, int Round, LoadFigure Ours, LoadFigure Flushed, LoadFigure Coalesced);
