namespace CopilotAspire.AppHost.Launcher;

/// <summary>
/// How the AppHost is tied to the command that started it (section <c>Launcher</c>; <c>eng/run.sh</c> sets both). Unset,
/// the AppHost behaves as under a plain <c>dotnet run</c>.
/// </summary>
public sealed class LauncherOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Launcher";

    /// <summary>
    /// When true, standard input is the launcher's lifeline: the AppHost stops (as on Ctrl-C: DCP, the dashboard and
    /// every resource) once its standard input reaches end of file, which happens however the launcher ends, SIGKILL included.
    /// </summary>
    public bool Lifeline { get; set; }

    /// <summary>An absolute file path written once <see cref="ReadyResources"/> are healthy, so the launcher can say the app is up.</summary>
    public string? ReadyFile { get; set; }

    /// <summary>The resources that must be healthy before <see cref="ReadyFile"/> is written. Default: <c>api</c> and <c>web</c>.</summary>
    public string[] ReadyResources { get; set; } = [];

    /// <summary>Checks the values; returns null when they are valid, else what is wrong.</summary>
    public string? Validate()
    {
        if (ReadyFile is { } file && !Path.IsPathFullyQualified(file))
        {
            return $"{SectionName}:{nameof(ReadyFile)} is '{file}'; expected an absolute path.";
        }
        if (ReadyResources.Any(string.IsNullOrWhiteSpace))
        {
            return $"{SectionName}:{nameof(ReadyResources)} has an empty resource name.";
        }
        return null;
    }
}
