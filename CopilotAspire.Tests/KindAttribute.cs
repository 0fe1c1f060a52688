using Xunit.v3;

namespace CopilotAspire.Tests;

/// <summary>
/// Gives a test class its <see cref="TestKind"/> as the xunit trait <c>Category</c> (e.g. <c>Category=Fast</c>), which
/// <c>dotnet test --filter</c> selects on. Put it on every class that has tests (not on abstract bases).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class KindAttribute(TestKind kind) : Attribute, ITraitAttribute
{
    /// <summary>The trait name the kind is given under.</summary>
    public const string Trait = "Category";

    public TestKind Kind { get; } = kind;

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new(Trait, Kind.ToString())];
}
