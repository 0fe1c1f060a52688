using System.Reflection;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Tests.Hosting;

/// <summary>
/// Every <c>[LoggerMessage]</c> of our assemblies names its event id, and no two messages of one assembly share one,
/// so an event id found in a log (or a dashboard filter) points at one message.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class LogEventIdTests
{
    public static TheoryData<string> Assemblies =>
    [
        "CopilotAspire.Runtime",
        "CopilotAspire.Runtime.Redis",
        "CopilotAspire.Runtime.AgentFramework",
        "CopilotAspire.Transcriber",
        "CopilotAspire.Web",
        "CopilotAspire.Api",
        "CopilotAspire.ServiceDefaults",
    ];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Each_log_message_has_its_own_event_id(string assemblyName)
    {
        var messages = (
            from type in Assembly.Load(assemblyName).GetTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
            where attribute is not null
            select (Method: $"{type.FullName}.{method.Name}", attribute.EventId)).ToList();

        Assert.All(messages, m => Assert.True(m.EventId > 0, $"{m.Method} has no EventId"));
        var shared = messages.GroupBy(m => m.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}").ToList();
        Assert.True(shared.Count == 0, "Event ids used twice in " + assemblyName + ":\n" + string.Join("\n", shared));
    }

    [Fact]
    public void The_check_sees_the_log_messages()
    {
        // Guards the test above against passing on nothing: the runtime's messages are found by reflection.
        var found = Assembly.Load("CopilotAspire.Runtime").GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Count(m => m.GetCustomAttribute<LoggerMessageAttribute>() is not null);
        Assert.True(found >= 20, $"only {found} [LoggerMessage] methods found in CopilotAspire.Runtime");
    }
}
