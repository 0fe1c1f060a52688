using Microsoft.Extensions.Options;

namespace CopilotAspire.AppHost.Launcher;

/// <summary>Refuses a bad <c>Launcher</c> section at start, saying which setting is wrong.</summary>
internal sealed class LauncherOptionsValidator : IValidateOptions<LauncherOptions>
{
    public ValidateOptionsResult Validate(string? name, LauncherOptions options) =>
        options.Validate() is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
}
