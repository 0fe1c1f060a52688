namespace CopilotAspire.Runtime.Protocol;

public static class MessageRoles
{
    public const string Developer = "developer";
    public const string System = "system";
    public const string Assistant = "assistant";
    public const string User = "user";
    public const string Tool = "tool";
    public const string Activity = "activity";
    public const string Reasoning = "reasoning";
}
