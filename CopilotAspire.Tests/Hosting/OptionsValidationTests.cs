using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Tests.Hosting;

/// <summary>The runtime's options are checked at start (source-generated validators): a bad value stops the app naming its key.</summary>
[Kind(TestKind.Fast)]
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("CopilotRuntime:MaxJsonDepth", "4", "MaxJsonDepth")]
    [InlineData("CopilotRuntime:InMemory:MaxThreads", "0", "MaxThreads")]
    [InlineData("CopilotRuntime:InMemory:MaxEventsPerRun", "15", "MaxEventsPerRun")]
    [InlineData("CopilotRuntime:Cors:MaxAgeSeconds", "-1", "MaxAgeSeconds")]
    public async Task An_out_of_range_setting_stops_the_app_at_start_naming_the_key(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
