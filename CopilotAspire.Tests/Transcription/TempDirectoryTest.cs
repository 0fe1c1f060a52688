namespace CopilotAspire.Tests.Transcription;

/// <summary>A temporary folder per test, deleted afterwards.</summary>
public abstract class TempDirectoryTest : IDisposable
{
    protected DirectoryInfo Dir { get; } = Directory.CreateTempSubdirectory("transcription-tests-");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Dir.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }
}
