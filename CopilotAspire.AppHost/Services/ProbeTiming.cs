namespace Aspire.Hosting;

/// <summary>How often a probe runs, how long an answer may take, and how many failures in a row count.</summary>
public sealed record ProbeTiming(int PeriodSeconds, int TimeoutSeconds, int FailureThreshold);
