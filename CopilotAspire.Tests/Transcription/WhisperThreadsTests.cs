using CopilotAspire.Transcriber.Hosting;

namespace CopilotAspire.Tests.Transcription;

/// <summary><c>Whisper:Threads</c>: 0 means one thread per usable core, at most 4; a set value wins.</summary>
[Kind(TestKind.Fast)]
public sealed class WhisperThreadsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    [InlineData(64, 4)]
    public void The_default_is_one_thread_per_usable_core_up_to_4(int cores, int threads) =>
        Assert.Equal(threads, WhisperOptions.DefaultThreads(cores));

    [Fact]
    public void Zero_takes_the_default_from_the_cores_this_process_may_use_and_a_set_value_wins()
    {
        Assert.Equal(WhisperOptions.DefaultThreads(Environment.ProcessorCount), new WhisperOptions().EffectiveThreads);
        Assert.Equal(3, new WhisperOptions { Threads = 3 }.EffectiveThreads);
    }
}
