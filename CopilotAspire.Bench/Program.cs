using CopilotAspire.Bench;
using CopilotAspire.Bench.Servers;

// eng/bench.sh runs this; `serve-ceiling N [coalesced]` and `serve-fake N` are the child servers it starts itself.
if (args is ["serve-ceiling", var ceilingTokens, ..] && args.Length <= 3)
{
    return await ChildServers.ServeCeilingAsync(int.Parse(ceilingTokens, System.Globalization.CultureInfo.InvariantCulture), args is [_, _, "coalesced"]);
}
if (args is ["serve-fake", var fakeTokens])
{
    return await ChildServers.ServeFakeAsync(int.Parse(fakeTokens, System.Globalization.CultureInfo.InvariantCulture));
}

var options = BenchOptions.Parse(args);
var started = DateTimeOffset.UtcNow;
var loadAtStart = Report.LoadAverage();
var runner = new BenchRunner(options, Console.Out);
await runner.RunAsync(CancellationToken.None);
var table = Report.Markdown(runner, options, started, loadAtStart);
Console.WriteLine();
Console.WriteLine(table);
if (options.Output is { } output)
{
    await File.WriteAllTextAsync(output, table);
}
return runner.Failures.Count == 0 ? 0 : 1;
