// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Filtering.Internal;
using ScimSync.Internal;
using ScimSync.Patching;
using ScimSync.Schema;

namespace ScimSync.Filtering;

/// <summary>
/// Evaluates parsed filters against resources of one resource type held as <see cref="JsonObject"/>, and checks
/// filters against that type's schemas. Thread-safe; create one per resource type and reuse it.
/// </summary>
/// <remarks>
/// <para>RFC 7644 §3.4.2.2. The semantics, where the RFC leaves room:</para>
/// <list type="bullet">
/// <item>String comparisons follow the attribute's <c>caseExact</c>: ordinal, or ordinal ignoring case. <c>gt</c>,
/// <c>ge</c>, <c>lt</c>, <c>le</c> on strings compare lexicographically the same way.</item>
/// <item>A multi-valued attribute matches when any of its values matches. A comparison on a multi-valued complex
/// attribute without a sub-attribute (<c>emails co "example.com"</c>, as in the RFC's own examples) compares each
/// value's <c>value</c> sub-attribute. A comparison on a singular complex attribute needs a sub-attribute.</item>
/// <item><c>dateTime</c> attributes compare as instants; the comparison value must be an <c>xsd:dateTime</c>
/// (RFC 3339) string. <c>integer</c> and <c>decimal</c> attributes compare numerically and need a number.
/// <c>boolean</c> attributes support <c>eq</c> and <c>ne</c> only; <c>binary</c> attributes reject <c>gt</c>,
/// <c>ge</c>, <c>lt</c>, <c>le</c>.</item>
/// <item><c>pr</c> matches a value that is not null, not an empty string, not an empty array and, for a complex
/// attribute, has at least one sub-attribute that is present.</item>
/// <item>RFC 7643 §2.5 makes unassigned and null equivalent, so <c>eq null</c> matches exactly when <c>pr</c> does
/// not, and <c>ne null</c> is <c>pr</c>.</item>
/// <item><c>ne</c> is the negation of <c>eq</c>: it matches when no value equals the comparison value, including
/// when the attribute is absent. Every other operator is false for an absent attribute.</item>
/// <item>An attribute the schema does not define is treated as absent by <see cref="Matches"/>; call
/// <see cref="Validate(FilterNode)"/> first to reject such filters with <c>invalidFilter</c>.</item>
/// </list>
/// </remarks>
public sealed class ScimFilterEvaluator
{
    // Bounded so a client sending endless distinct unknown names cannot grow it without limit.
    private const int MaxCachedPaths = 1024;

    private static readonly string[] s_dateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    private readonly ScimResourceTypeDefinition _resourceType;
    private readonly ConcurrentDictionary<AttributePath, ScimAttributeResolution?> _resolutions = new();
    private int _cachedPaths;

    /// <summary>Initializes an evaluator for one resource type.</summary>
    /// <param name="resourceType">The resource type whose schemas resolve filter paths.</param>
    /// <remarks>RFC 7643 §6.</remarks>
    public ScimFilterEvaluator(ScimResourceTypeDefinition resourceType)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        _resourceType = resourceType;
    }

    /// <summary>Returns whether a resource matches a filter.</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="resource">The resource in canonical form (extension attributes under their schema URN).</param>
    /// <returns><see langword="true"/> when the resource matches.</returns>
    /// <remarks>RFC 7644 §3.4.2.2; see the class remarks for the exact semantics.</remarks>
    /// <exception cref="ScimException">
    /// The filter uses an operator or value the attribute's type does not allow (<c>invalidFilter</c>).
    /// </exception>
    public bool Matches(FilterNode filter, JsonObject resource)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(resource);
        return Evaluate(filter, resource, parent: null);
    }

    /// <summary>
    /// Returns whether one value of a multi-valued (or a singular complex) attribute matches a value filter whose
    /// paths are relative to that attribute, as PATCH does for <c>emails[type eq "work"]</c>.
    /// </summary>
    /// <param name="valueFilter">The filter inside the brackets, for example <see cref="PatchPath.ValueFilter"/>.</param>
    /// <param name="value">One element: a <see cref="JsonObject"/> for complex attributes, or the value itself for
    /// simple multi-valued attributes, where the filter refers to it as <c>value</c>.</param>
    /// <param name="complexAttribute">The attribute the element belongs to (for example <c>emails</c>).</param>
    /// <returns><see langword="true"/> when the element matches.</returns>
    /// <remarks>RFC 7644 §3.4.2.2 (complex attribute filter grouping) and §3.5.2.</remarks>
    /// <exception cref="ScimException">
    /// The filter uses an operator or value the sub-attribute's type does not allow (<c>invalidFilter</c>).
    /// </exception>
    public bool MatchesValue(FilterNode valueFilter, JsonNode value, ScimAttributeDefinition complexAttribute)
    {
        ArgumentNullException.ThrowIfNull(valueFilter);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(complexAttribute);
        return Evaluate(valueFilter, value, complexAttribute);
    }

    /// <summary>
    /// Checks a filter against the resource type's schemas: every attribute must exist, and every operator and
    /// comparison value must suit the attribute's type. Servers call this before touching a store.
    /// </summary>
    /// <param name="filter">The filter.</param>
    /// <returns><see langword="null"/> when the filter is valid; otherwise an <c>invalidFilter</c> error.</returns>
    /// <remarks>RFC 7644 §3.4.2.2: operators that do not apply to a type "SHALL cause a failed response (HTTP
    /// status code 400) with scimType of invalidFilter".</remarks>
    public ScimError? Validate(FilterNode filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Validate(filter, parent: null);
    }

    /// <summary>Checks a value filter against the sub-attributes of one attribute, as PATCH paths need.</summary>
    /// <param name="valueFilter">The filter inside the brackets.</param>
    /// <param name="complexAttribute">The attribute before the brackets.</param>
    /// <returns><see langword="null"/> when the filter is valid; otherwise an <c>invalidFilter</c> error.</returns>
    /// <remarks>RFC 7644 §3.4.2.2 and §3.5.2.</remarks>
    public ScimError? ValidateValueFilter(FilterNode valueFilter, ScimAttributeDefinition complexAttribute)
    {
        ArgumentNullException.ThrowIfNull(valueFilter);
        ArgumentNullException.ThrowIfNull(complexAttribute);
        return Validate(valueFilter, complexAttribute);
    }

    private ScimError? Validate(FilterNode node, ScimAttributeDefinition? parent)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case LogicalNode logical:
                return Validate(logical.Left, parent) ?? Validate(logical.Right, parent);
            case NotNode not:
                return Validate(not.Operand, parent);
            case PresentNode present:
                return TryResolve(present.Path, parent, out _) ? null : UnknownAttribute(present.Path, parent);
            case ComparisonNode comparison:
                if (!TryResolve(comparison.Path, parent, out var resolved))
                {
                    return UnknownAttribute(comparison.Path, parent);
                }

                return CheckComparison(comparison, resolved, out _, out _);
            case ValuePathNode valuePath:
                if (parent is not null)
                {
                    return ScimError.InvalidFilter($"value filters cannot be nested ('{valuePath.Path}')");
                }

                if (valuePath.Path.SubAttributeName is not null || !TryResolve(valuePath.Path, null, out var target))
                {
                    return UnknownAttribute(valuePath.Path, null);
                }

                if (!target.Attribute.IsComplex && !target.Attribute.MultiValued)
                {
                    return ScimError.InvalidFilter(
                        $"'{valuePath.Path}' is neither complex nor multi-valued, so it cannot have a value filter");
                }

                return Validate(valuePath.Filter, target.Attribute);
            default:
                return ScimError.InvalidFilter($"unsupported filter node {node.GetType().Name}");
        }
    }

    private bool Evaluate(FilterNode node, JsonNode scope, ScimAttributeDefinition? parent)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case LogicalNode logical:
                var left = Evaluate(logical.Left, scope, parent);
                return logical.Operator == LogicalOperator.And
                    ? left && Evaluate(logical.Right, scope, parent)
                    : left || Evaluate(logical.Right, scope, parent);
            case NotNode not:
                return !Evaluate(not.Operand, scope, parent);
            case PresentNode present:
                return TryResolve(present.Path, parent, out var presentTarget) &&
                       IsPresent(Locate(scope, presentTarget));
            case ComparisonNode comparison:
                return EvaluateComparison(comparison, scope, parent);
            case ValuePathNode valuePath:
                return EvaluateValuePath(valuePath, scope, parent);
            default:
                throw new ArgumentException($"Unknown filter node type {node.GetType()}.", nameof(node));
        }
    }

    private bool EvaluateComparison(ComparisonNode comparison, JsonNode scope, ScimAttributeDefinition? parent)
    {
        if (!TryResolve(comparison.Path, parent, out var resolved))
        {
            // Unknown attributes are absent: only "ne" and "eq null" match.
            return comparison.Operator == ComparisonOperator.NotEqual
                ? comparison.Value.Kind != FilterValueKind.Null
                : comparison.Operator == ComparisonOperator.Equal && comparison.Value.Kind == FilterValueKind.Null;
        }

        if (CheckComparison(comparison, resolved, out var definition, out var subName) is { } error)
        {
            throw new ScimException(error);
        }

        var node = Locate(scope, resolved);
        var value = comparison.Value;
        if (value.Kind == FilterValueKind.Null)
        {
            var present = subName is null ? IsPresent(node) : AnySubPresent(node, subName);
            return comparison.Operator == ComparisonOperator.Equal ? !present : present;
        }

        var negate = comparison.Operator == ComparisonOperator.NotEqual;
        var test = new ValueTest(negate ? ComparisonOperator.Equal : comparison.Operator, value, definition!);
        var any = subName is null ? test.MatchesAny(node) : test.MatchesAnySub(node, subName);
        return any != negate;
    }

    private bool EvaluateValuePath(ValuePathNode valuePath, JsonNode scope, ScimAttributeDefinition? parent)
    {
        if (parent is not null)
        {
            throw new ScimException(ScimError.InvalidFilter($"value filters cannot be nested ('{valuePath.Path}')"));
        }

        if (valuePath.Path.SubAttributeName is not null || !TryResolve(valuePath.Path, null, out var resolved))
        {
            return false;
        }

        switch (Locate(scope, resolved))
        {
            case JsonArray array:
                foreach (var element in array)
                {
                    if (element is not null && Evaluate(valuePath.Filter, element, resolved.Attribute))
                    {
                        return true;
                    }
                }

                return false;
            case JsonNode single:
                return Evaluate(valuePath.Filter, single, resolved.Attribute);
            default:
                return false;
        }
    }

    // Works out which definition a comparison applies to and whether the operator and value suit its type.
    private static ScimError? CheckComparison(
        ComparisonNode comparison,
        in Resolved resolved,
        out ScimAttributeDefinition? definition,
        out string? subName)
    {
        definition = resolved.Sub ?? resolved.Attribute;
        subName = resolved.Sub?.Name;
        if (resolved.Sub is null && resolved.Attribute.IsComplex)
        {
            var valueSub = resolved.Attribute.MultiValued ? resolved.Attribute.FindSubAttribute("value") : null;
            if (valueSub is null)
            {
                return ScimError.InvalidFilter(
                    $"'{comparison.Path}' is a complex attribute: compare one of its sub-attributes, for example '{comparison.Path}.{(resolved.Attribute.SubAttributes.Count > 0 ? resolved.Attribute.SubAttributes[0].Name : "value")}'");
            }

            definition = valueSub;
            subName = valueSub.Name;
        }

        var op = comparison.Operator;
        var value = comparison.Value;
        var opText = FilterFormatter.OperatorText(op);
        if (value.Kind == FilterValueKind.Null)
        {
            return op is ComparisonOperator.Equal or ComparisonOperator.NotEqual
                ? null
                : ScimError.InvalidFilter($"'{opText}' cannot compare '{comparison.Path}' with null; only eq and ne can");
        }

        var ordering = op is ComparisonOperator.GreaterThan or ComparisonOperator.GreaterThanOrEqual
            or ComparisonOperator.LessThan or ComparisonOperator.LessThanOrEqual;
        var substring = op is ComparisonOperator.Contains or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith;
        switch (definition.Type)
        {
            case ScimAttributeType.Boolean:
                if (ordering || substring)
                {
                    return ScimError.InvalidFilter($"'{opText}' is not supported for the boolean attribute '{comparison.Path}'; use eq or ne");
                }

                return value.Kind == FilterValueKind.Boolean
                    ? null
                    : ScimError.InvalidFilter($"'{comparison.Path}' is a boolean attribute; compare it with true or false");
            case ScimAttributeType.Integer:
            case ScimAttributeType.Decimal:
                if (substring)
                {
                    return ScimError.InvalidFilter($"'{opText}' is not supported for the numeric attribute '{comparison.Path}'");
                }

                return value.Kind == FilterValueKind.Number
                    ? null
                    : ScimError.InvalidFilter($"'{comparison.Path}' is a numeric attribute; compare it with a number");
            case ScimAttributeType.DateTime:
                if (value.Kind != FilterValueKind.String)
                {
                    return ScimError.InvalidFilter($"'{comparison.Path}' is a dateTime attribute; compare it with a dateTime string");
                }

                return substring || TryParseDateTime(value.Text!, out _)
                    ? null
                    : ScimError.InvalidFilter($"'{value.Text}' is not a valid dateTime (for example 2011-05-13T04:42:34Z) for '{comparison.Path}'");
            case ScimAttributeType.Binary when ordering:
                return ScimError.InvalidFilter($"'{opText}' is not supported for the binary attribute '{comparison.Path}'");
            default:
                return value.Kind == FilterValueKind.String
                    ? null
                    : ScimError.InvalidFilter($"'{comparison.Path}' is a string attribute; compare it with a string");
        }
    }

    private static ScimError UnknownAttribute(AttributePath path, ScimAttributeDefinition? parent) =>
        parent is null
            ? ScimError.InvalidFilter($"unknown attribute '{path}'")
            : ScimError.InvalidFilter($"'{parent.Name}' has no sub-attribute '{path}'");

    private bool TryResolve(AttributePath path, ScimAttributeDefinition? parent, out Resolved resolved)
    {
        if (parent is not null)
        {
            if (path.SchemaUri is null && path.SubAttributeName is null)
            {
                if (parent.FindSubAttribute(path.AttributeName) is { } sub)
                {
                    resolved = new Resolved(sub, null, null, Self: false);
                    return true;
                }

                // A simple multi-valued attribute: the element itself is its "value".
                if (!parent.IsComplex && path.AttributeName.Equals("value", StringComparison.OrdinalIgnoreCase))
                {
                    resolved = new Resolved(parent, null, null, Self: true);
                    return true;
                }
            }

            resolved = default;
            return false;
        }

        if (!_resolutions.TryGetValue(path, out var resolution))
        {
            resolution = _resourceType.Resolve(path);
            // ConcurrentDictionary.Count takes every lock; an approximate counter is enough for a size cap.
            if (Volatile.Read(ref _cachedPaths) < MaxCachedPaths && _resolutions.TryAdd(path, resolution))
            {
                Interlocked.Increment(ref _cachedPaths);
            }
        }

        if (resolution is null)
        {
            resolved = default;
            return false;
        }

        resolved = new Resolved(
            resolution.Attribute,
            resolution.SubAttribute,
            resolution.IsExtension(_resourceType) ? resolution.Schema.Id : null,
            Self: false);
        return true;
    }

    private static JsonNode? Locate(JsonNode scope, in Resolved resolved)
    {
        if (resolved.Self)
        {
            return scope;
        }

        if (scope is not JsonObject container)
        {
            return null;
        }

        if (resolved.ExtensionUri is not null)
        {
            if (container.GetPropertyIgnoreCase(resolved.ExtensionUri) is not JsonObject extension)
            {
                return null;
            }

            container = extension;
        }

        return container.GetPropertyIgnoreCase(resolved.Attribute.Name);
    }

    private static bool AnySubPresent(JsonNode? node, string subName)
    {
        if (node is JsonArray array)
        {
            foreach (var element in array)
            {
                if (element is JsonObject item && IsPresent(item.GetPropertyIgnoreCase(subName)))
                {
                    return true;
                }
            }

            return false;
        }

        return node is JsonObject single && IsPresent(single.GetPropertyIgnoreCase(subName));
    }

    private static bool IsPresent(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return false;
            case JsonArray array:
                foreach (var element in array)
                {
                    if (IsPresent(element))
                    {
                        return true;
                    }
                }

                return false;
            case JsonObject obj:
                foreach (var member in obj)
                {
                    if (IsPresent(member.Value))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return node.GetValueKind() switch
                {
                    JsonValueKind.Null or JsonValueKind.Undefined => false,
                    JsonValueKind.String => node.AsValue().TryGetValue<string>(out var text) && text.Length > 0,
                    _ => true,
                };
        }
    }

    private static bool TryParseDateTime(string text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParseExact(
            text,
            s_dateTimeFormats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal,
            out instant);

    // What a path resolved to: the attribute (or, inside a value filter, the sub-attribute) and where it lives.
    private readonly record struct Resolved(
        ScimAttributeDefinition Attribute,
        ScimAttributeDefinition? Sub,
        string? ExtensionUri,
        bool Self);

    // One comparison, prepared once (comparison mode, parsed instant) and applied to each value.
    private readonly struct ValueTest
    {
        private readonly ComparisonOperator _op;
        private readonly FilterValue _value;
        private readonly ScimAttributeType _type;
        private readonly StringComparison _comparison;
        private readonly DateTimeOffset _instant;

        public ValueTest(ComparisonOperator op, FilterValue value, ScimAttributeDefinition definition)
        {
            _op = op;
            _value = value;
            _type = definition.Type;
            _comparison = definition.CaseExact ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            if (_type == ScimAttributeType.DateTime && value.Text is { } text && TryParseDateTime(text, out var instant))
            {
                _instant = instant;
            }
        }

        public bool MatchesAny(JsonNode? node)
        {
            if (node is JsonArray array)
            {
                foreach (var element in array)
                {
                    if (Matches(element))
                    {
                        return true;
                    }
                }

                return false;
            }

            return Matches(node);
        }

        public bool MatchesAnySub(JsonNode? node, string subName)
        {
            if (node is JsonArray array)
            {
                foreach (var element in array)
                {
                    if (element is JsonObject item && MatchesAny(item.GetPropertyIgnoreCase(subName)))
                    {
                        return true;
                    }
                }

                return false;
            }

            return node is JsonObject single && MatchesAny(single.GetPropertyIgnoreCase(subName));
        }

        private bool Matches(JsonNode? node)
        {
            if (node is not JsonValue value)
            {
                return false;
            }

            switch (_type)
            {
                case ScimAttributeType.Boolean:
                    return value.TryGetValue<bool>(out var flag) && flag == _value.Boolean;
                case ScimAttributeType.Integer:
                case ScimAttributeType.Decimal:
                    return TryGetDecimal(value, out var number) && Order(number.CompareTo(_value.Number));
                case ScimAttributeType.DateTime when _op is not (ComparisonOperator.Contains or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith):
                    return TryGetInstant(value, out var instant) && Order(instant.CompareTo(_instant));
                default:
                    return value.TryGetValue<string>(out var text) && MatchesString(text);
            }
        }

        private bool MatchesString(string text)
        {
            var operand = _value.Text!;
            return _op switch
            {
                ComparisonOperator.Equal => string.Equals(text, operand, _comparison),
                ComparisonOperator.Contains => text.Contains(operand, _comparison),
                ComparisonOperator.StartsWith => text.StartsWith(operand, _comparison),
                ComparisonOperator.EndsWith => text.EndsWith(operand, _comparison),
                _ => Order(string.Compare(text, operand, _comparison)),
            };
        }

        // Maps a CompareTo result (resource value vs. comparison value) through eq and the ordering operators.
        private bool Order(int relation) => _op switch
        {
            ComparisonOperator.Equal => relation == 0,
            ComparisonOperator.GreaterThan => relation > 0,
            ComparisonOperator.GreaterThanOrEqual => relation >= 0,
            ComparisonOperator.LessThan => relation < 0,
            ComparisonOperator.LessThanOrEqual => relation <= 0,
            _ => false,
        };

        private static bool TryGetDecimal(JsonValue value, out decimal number)
        {
            if (value.TryGetValue(out number))
            {
                return true;
            }

            // Values built in code keep their CLR type, and TryGetValue does not convert between number types.
            if (value.TryGetValue<long>(out var integer))
            {
                number = integer;
                return true;
            }

            if (value.TryGetValue<int>(out var small))
            {
                number = small;
                return true;
            }

            if (value.TryGetValue<double>(out var real) && double.IsFinite(real) &&
                real is > (double)decimal.MinValue and < (double)decimal.MaxValue)
            {
                number = (decimal)real;
                return true;
            }

            number = 0;
            return false;
        }

        private static bool TryGetInstant(JsonValue value, out DateTimeOffset instant)
        {
            if (value.TryGetValue<string>(out var text))
            {
                return TryParseDateTime(text, out instant);
            }

            if (value.TryGetValue(out instant))
            {
                return true;
            }

            if (value.TryGetValue<DateTime>(out var dateTime))
            {
                instant = dateTime.Kind == DateTimeKind.Unspecified
                    ? new DateTimeOffset(dateTime, TimeSpan.Zero)
                    : new DateTimeOffset(dateTime);
                return true;
            }

            return false;
        }
    }
}
