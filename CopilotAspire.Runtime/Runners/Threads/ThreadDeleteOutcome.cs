namespace CopilotAspire.Runtime.Runners.Threads;

/// <summary>What <see cref="IThreadStore.DeleteThreadAsync"/> did.</summary>
public enum ThreadDeleteOutcome
{
    /// <summary>The thread and all it stored are gone.</summary>
    Deleted,

    /// <summary>The scope has no such thread.</summary>
    NotFound,

    /// <summary>The thread has a run in progress and was left as it is.</summary>
    Running,
}
