using System.Reflection;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Conventions;

/// <summary>
/// Every test class says what it needs (<see cref="KindAttribute"/>), so a new test lands in a kind and
/// <c>--filter Category=Fast</c> stays fast; a fast class takes nothing that starts a process.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class TestKindTests
{
    /// <summary>What a fast test class may take in its constructor (anything else is a fixture, and the fixtures that exist start processes).</summary>
    private static readonly Type[] FastConstructorParameters = [typeof(RuntimeHostFixture), typeof(ITestOutputHelper), typeof(ITestContextAccessor)];

    private static List<Type> TestClasses() =>
        typeof(TestKindTests).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false }
                && type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
                    .Any(method => method.GetCustomAttribute<FactAttribute>() is not null))
            .ToList();

    [Fact]
    public void Every_test_class_names_its_kind()
    {
        var classes = TestClasses();
        Assert.True(classes.Count >= 90, $"only {classes.Count} test classes found: the check would pass on nothing");
        var missing = classes.Where(type => type.GetCustomAttribute<KindAttribute>(inherit: false) is null)
            .Select(type => type.FullName).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            "Test classes without [Kind(TestKind.…)] (Fast: no child process, no external tool; else Process, Aspire or Browser; docs/testing.md):\n"
            + string.Join("\n", missing));
    }

    [Fact]
    public void Every_kind_has_tests()
    {
        var kinds = TestClasses().Select(type => type.GetCustomAttribute<KindAttribute>(inherit: false)?.Kind).ToHashSet();
        Assert.All(Enum.GetValues<TestKind>(), kind => Assert.Contains(kind, kinds));
    }

    [Fact]
    public void Fast_test_classes_take_no_process_fixture()
    {
        var offending = (
            from type in TestClasses()
            where type.GetCustomAttribute<KindAttribute>(inherit: false)?.Kind == TestKind.Fast
            from fixture in Fixtures(type)
            where !FastConstructorParameters.Contains(fixture)
            select $"{type.FullName} takes {fixture.Name}").ToList();
        Assert.True(offending.Count == 0, "Fast test classes with a fixture (make them TestKind.Process, or allow the fixture here if it starts nothing):\n"
            + string.Join("\n", offending));
    }

    /// <summary>A class's constructor parameters, class fixtures and its collection's fixtures.</summary>
    private static IEnumerable<Type> Fixtures(Type type)
    {
        var parameters = type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType);
        var classFixtures = type.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>))
            .Select(i => i.GetGenericArguments()[0]);
        return parameters.Concat(classFixtures).Distinct();
    }
}
