using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>
/// A <see cref="TimeSpan"/> setting between two bounds (inclusive), given as invariant <c>c</c>-format strings.
/// <c>[Range(typeof(TimeSpan), …)]</c> does the same through a type converter found by reflection, which trimming
/// (NativeAOT) cannot see.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class TimeSpanRangeAttribute(string minimum, string maximum) : ValidationAttribute
{
    /// <summary>The smallest value accepted.</summary>
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    /// <summary>The largest value accepted.</summary>
    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether <paramref name="value"/> lies within the bounds; anything that is not a <see cref="TimeSpan"/> (an unset
    /// value) passes.
    /// </summary>
    /// <param name="value">The property's value.</param>
    public override bool IsValid(object? value) => value is not TimeSpan span || (span >= Minimum && span <= Maximum);

    /// <inheritdoc/>
    public override string FormatErrorMessage(string name) =>
        ErrorMessageString is { Length: > 0 } && ErrorMessage is not null
            ? string.Format(CultureInfo.InvariantCulture, ErrorMessageString, name, Minimum, Maximum)
            : $"{name} must be between {Minimum:c} and {Maximum:c}.";
}
