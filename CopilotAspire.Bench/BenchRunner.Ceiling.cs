namespace CopilotAspire.Bench;

/// <summary>The ceiling rows (<see cref="CeilingRound"/>), repeated so the report shows their spread.</summary>
public sealed partial class BenchRunner
{
    public List<CeilingRound> CeilingRounds { get; } = [];

    private async Task MeasureCeilingAsync(string fakeUrl, CancellationToken cancellationToken)
    {
        foreach (var c in options.Concurrency)
        {
            for (var round = 1; round <= options.Runs; round++)
            {
                List<LoadFigure> figures = [];
                foreach (var kind in (ServerKind[])[ServerKind.Ours, ServerKind.Ceiling, ServerKind.CeilingCoalesced])
                {
                    await MeasureLoadAsync(kind, "scripted", c, fakeUrl, cancellationToken, figures);
                }
                if (figures.Count == 3)
                {
                    CeilingRounds.Add(new CeilingRound(c, round, figures[0], figures[1], figures[2]));
                }
            }
        }
    }
}
