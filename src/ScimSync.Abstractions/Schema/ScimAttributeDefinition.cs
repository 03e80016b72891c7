// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Frozen;

namespace ScimSync.Schema;

/// <summary>
/// Describes one attribute of a SCIM schema and its characteristics. The schema registry holds these; validation,
/// projection, case handling, PATCH and the <c>/Schemas</c> endpoint all read them.
/// </summary>
/// <remarks>RFC 7643 §2.2 and §7.</remarks>
public sealed record ScimAttributeDefinition
{
    // Built from SubAttributes on first use. Keyed by the list it was built from, because a `with` expression copies
    // this field along with the properties and may give the copy other sub-attributes.
    private SubAttributeIndex? _subAttributeIndex;

    /// <summary>Gets the attribute name as the schema spells it (for example <c>userName</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the data type.</summary>
    /// <value>Defaults to <see cref="ScimAttributeType.String"/>.</value>
    public ScimAttributeType Type { get; init; } = ScimAttributeType.String;

    /// <summary>Gets a value indicating whether the attribute holds a list of values.</summary>
    public bool MultiValued { get; init; }

    /// <summary>Gets the human-readable description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets a value indicating whether a value is required.</summary>
    public bool Required { get; init; }

    /// <summary>Gets a value indicating whether string values compare case-sensitively.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool CaseExact { get; init; }

    /// <summary>Gets the mutability.</summary>
    /// <value>Defaults to <see cref="ScimMutability.ReadWrite"/>.</value>
    public ScimMutability Mutability { get; init; } = ScimMutability.ReadWrite;

    /// <summary>Gets when the attribute is returned.</summary>
    /// <value>Defaults to <see cref="ScimReturned.Default"/>.</value>
    public ScimReturned Returned { get; init; } = ScimReturned.Default;

    /// <summary>Gets how uniqueness is enforced.</summary>
    /// <value>Defaults to <see cref="ScimUniqueness.None"/>.</value>
    public ScimUniqueness Uniqueness { get; init; } = ScimUniqueness.None;

    /// <summary>Gets the suggested canonical values (for example <c>work</c>, <c>home</c>), if any.</summary>
    public IReadOnlyList<string> CanonicalValues { get; init; } = [];

    /// <summary>Gets the resource types a <see cref="ScimAttributeType.Reference"/> may point at.</summary>
    public IReadOnlyList<string> ReferenceTypes { get; init; } = [];

    /// <summary>Gets the sub-attributes of a <see cref="ScimAttributeType.Complex"/> attribute.</summary>
    public IReadOnlyList<ScimAttributeDefinition> SubAttributes { get; init; } = [];

    /// <summary>Gets a value indicating whether this is a complex attribute.</summary>
    public bool IsComplex => Type == ScimAttributeType.Complex;

    /// <summary>Finds a sub-attribute by name, ignoring case as RFC 7643 §2.1 requires.</summary>
    /// <param name="name">The sub-attribute name.</param>
    /// <returns>The definition, or <see langword="null"/> when there is none.</returns>
    public ScimAttributeDefinition? FindSubAttribute(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (SubAttributes.Count == 0)
        {
            return null;
        }

        return Index.ByName.GetValueOrDefault(name);
    }

    /// <summary>
    /// Gets a value indicating whether a sub-attribute is <see cref="ScimReturned.Never"/>, so a value written whole must
    /// still be filtered sub-attribute by sub-attribute.
    /// </summary>
    internal bool HasNeverReturnedSubAttribute => SubAttributes.Count > 0 && Index.HasNeverReturned;

    private SubAttributeIndex Index
    {
        get
        {
            var index = _subAttributeIndex;
            if (index is null || !ReferenceEquals(index.Source, SubAttributes))
            {
                _subAttributeIndex = index = new SubAttributeIndex(SubAttributes);
            }

            return index;
        }
    }

    /// <inheritdoc/>
    public bool Equals(ScimAttributeDefinition? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    private sealed class SubAttributeIndex(IReadOnlyList<ScimAttributeDefinition> source)
    {
        public IReadOnlyList<ScimAttributeDefinition> Source { get; } = source;

        public FrozenDictionary<string, ScimAttributeDefinition> ByName { get; } =
            source.ToFrozenDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);

        public bool HasNeverReturned { get; } = source.Any(a => a.Returned == ScimReturned.Never);
    }
}
