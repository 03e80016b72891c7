// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
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

    // Longer strings are decoded to a string; SCIM values rarely come close.
    private const int MaxStackChars = 256;

    private readonly ScimResourceTypeDefinition _resourceType;
    private readonly ConcurrentDictionary<AttributePath, ScimAttributeResolution?> _resolutions = new();
    private readonly ConditionalWeakTable<FilterNode, Plan> _rootPlans = new();
    private readonly ConditionalWeakTable<FilterNode, ValuePlan> _valuePlans = new();
    private readonly ConditionalWeakTable<FilterNode, Plan>.CreateValueCallback _compileRoot;
    private int _cachedPaths;

    /// <summary>Initializes an evaluator for one resource type.</summary>
    /// <param name="resourceType">The resource type whose schemas resolve filter paths.</param>
    /// <remarks>RFC 7643 §6.</remarks>
    public ScimFilterEvaluator(ScimResourceTypeDefinition resourceType)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        _resourceType = resourceType;
        _compileRoot = filter => Compile(filter, parent: null);
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
        return GetRootPlan(filter).Evaluate(resource);
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
        return GetValuePlan(valueFilter, complexAttribute).Evaluate(value);
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

    // Plans are compiled once per filter instance: path resolution, the operator/value checks and the parsing of
    // dateTime comparison values then cost nothing per resource. Keyed by reference (records compare by value) and
    // held weakly, so they live exactly as long as the caller's tree.
    private Plan GetRootPlan(FilterNode filter) =>
        _rootPlans.TryGetValue(filter, out var plan) ? plan : _rootPlans.GetValue(filter, _compileRoot);

    private Plan GetValuePlan(FilterNode valueFilter, ScimAttributeDefinition complexAttribute)
    {
        if (_valuePlans.TryGetValue(valueFilter, out var cached) && ReferenceEquals(cached.Parent, complexAttribute))
        {
            return cached.Plan;
        }

        var plan = Compile(valueFilter, complexAttribute);
        _valuePlans.AddOrUpdate(valueFilter, new ValuePlan(complexAttribute, plan));
        return plan;
    }

    private Plan Compile(FilterNode node, ScimAttributeDefinition? parent)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case LogicalNode logical:
                var left = Compile(logical.Left, parent);
                var right = Compile(logical.Right, parent);
                return logical.Operator == LogicalOperator.And ? new AndPlan(left, right) : new OrPlan(left, right);
            case NotNode not:
                return new NotPlan(Compile(not.Operand, parent));
            case PresentNode present:
                return TryResolve(present.Path, parent, out var presentTarget)
                    ? new PresentPlan(presentTarget)
                    : ConstantPlan.False;
            case ComparisonNode comparison:
                return CompileComparison(comparison, parent);
            case ValuePathNode valuePath:
                if (parent is not null)
                {
                    return new ErrorPlan(ScimError.InvalidFilter($"value filters cannot be nested ('{valuePath.Path}')"));
                }

                if (valuePath.Path.SubAttributeName is not null || !TryResolve(valuePath.Path, null, out var resolved))
                {
                    return ConstantPlan.False;
                }

                return new ValuePathPlan(resolved, Compile(valuePath.Filter, resolved.Attribute));
            default:
                throw new ArgumentException($"Unknown filter node type {node.GetType()}.", nameof(node));
        }
    }

    private Plan CompileComparison(ComparisonNode comparison, ScimAttributeDefinition? parent)
    {
        if (!TryResolve(comparison.Path, parent, out var resolved))
        {
            // Unknown attributes are absent: only "ne" and "eq null" match.
            return comparison.Operator == ComparisonOperator.NotEqual
                ? ConstantPlan.Of(comparison.Value.Kind != FilterValueKind.Null)
                : ConstantPlan.Of(comparison.Operator == ComparisonOperator.Equal && comparison.Value.Kind == FilterValueKind.Null);
        }

        if (CheckComparison(comparison, resolved, out var definition, out var subName) is { } error)
        {
            return new ErrorPlan(error);
        }

        var value = comparison.Value;
        if (value.Kind == FilterValueKind.Null)
        {
            return new NullComparisonPlan(resolved, subName, comparison.Operator == ComparisonOperator.Equal);
        }

        var negate = comparison.Operator == ComparisonOperator.NotEqual;
        var test = new ValueTest(negate ? ComparisonOperator.Equal : comparison.Operator, value, definition!);
        return new ComparisonPlan(resolved, subName, test, negate);
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

                return substring || FilterDateTime.TryParse(value.Text, out _)
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
            // JsonArray's enumerator is boxed; indexing allocates nothing.
            for (var i = 0; i < array.Count; i++)
            {
                var element = array[i];
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
                // JsonArray's enumerator is boxed; indexing allocates nothing.
                for (var i = 0; i < array.Count; i++)
                {
                    var element = array[i];
                    if (IsPresent(element))
                    {
                        return true;
                    }
                }

                return false;
            case JsonObject obj:
                for (var i = 0; i < obj.Count; i++)
                {
                    if (IsPresent(obj.GetAt(i).Value))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return node.GetValueKind() switch
                {
                    JsonValueKind.Null or JsonValueKind.Undefined => false,
                    JsonValueKind.String => IsNonEmptyString(node.AsValue()),
                    _ => true,
                };
        }
    }

    private static bool IsNonEmptyString(JsonValue value)
    {
        // Values parsed from JSON are backed by a JsonElement: compare without decoding a string.
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.ValueKind == JsonValueKind.String && !element.ValueEquals(ReadOnlySpan<char>.Empty);
        }

        return value.TryGetValue<string>(out var text) && text.Length > 0;
    }

    // The UTF-8 text of a JSON string without escapes and short enough to decode on the stack, so callers avoid
    // JsonElement.GetString allocating on every comparison.
    private static bool TryGetPlainUtf8(JsonElement element, out ReadOnlySpan<byte> utf8)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length < 2 || raw[0] != (byte)'"' || raw.Length - 2 > MaxStackChars || raw[1..^1].Contains((byte)'\\'))
        {
            utf8 = default;
            return false;
        }

        utf8 = raw[1..^1];
        return true;
    }

    private sealed record ValuePlan(ScimAttributeDefinition Parent, Plan Plan);

    // A compiled filter node.
    private abstract class Plan
    {
        public abstract bool Evaluate(JsonNode scope);
    }

    private sealed class ConstantPlan(bool result) : Plan
    {
        public static readonly ConstantPlan True = new(true);
        public static readonly ConstantPlan False = new(false);

        public static ConstantPlan Of(bool result) => result ? True : False;

        public override bool Evaluate(JsonNode scope) => result;
    }

    // A filter that is only wrong once evaluated (an operator its attribute's type does not allow), as before plans.
    private sealed class ErrorPlan(ScimError error) : Plan
    {
        public override bool Evaluate(JsonNode scope) => throw new ScimException(error);
    }

    private sealed class AndPlan(Plan left, Plan right) : Plan
    {
        public override bool Evaluate(JsonNode scope)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            return left.Evaluate(scope) && right.Evaluate(scope);
        }
    }

    private sealed class OrPlan(Plan left, Plan right) : Plan
    {
        public override bool Evaluate(JsonNode scope)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            return left.Evaluate(scope) || right.Evaluate(scope);
        }
    }

    private sealed class NotPlan(Plan operand) : Plan
    {
        public override bool Evaluate(JsonNode scope)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            return !operand.Evaluate(scope);
        }
    }

    private sealed class PresentPlan(Resolved target) : Plan
    {
        public override bool Evaluate(JsonNode scope) => IsPresent(Locate(scope, target));
    }

    private sealed class NullComparisonPlan(Resolved target, string? subName, bool equal) : Plan
    {
        public override bool Evaluate(JsonNode scope)
        {
            var node = Locate(scope, target);
            var present = subName is null ? IsPresent(node) : AnySubPresent(node, subName);
            return equal ? !present : present;
        }
    }

    private sealed class ComparisonPlan(Resolved target, string? subName, ValueTest test, bool negate) : Plan
    {
        public override bool Evaluate(JsonNode scope)
        {
            var node = Locate(scope, target);
            var any = subName is null ? test.MatchesAny(node) : test.MatchesAnySub(node, subName);
            return any != negate;
        }
    }

    private sealed class ValuePathPlan(Resolved target, Plan filter) : Plan
    {
        public override bool Evaluate(JsonNode scope)
        {
            switch (Locate(scope, target))
            {
                case JsonArray array:
                    // JsonArray's enumerator is boxed; indexing allocates nothing.
                    for (var i = 0; i < array.Count; i++)
                    {
                        var element = array[i];
                        if (element is not null && filter.Evaluate(element))
                        {
                            return true;
                        }
                    }

                    return false;
                case JsonNode single:
                    return filter.Evaluate(single);
                default:
                    return false;
            }
        }
    }

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
            if (_type == ScimAttributeType.DateTime && value.Text is { } text && FilterDateTime.TryParse(text, out var instant))
            {
                _instant = instant;
            }
        }

        public bool MatchesAny(JsonNode? node)
        {
            if (node is JsonArray array)
            {
                // JsonArray's enumerator is boxed; indexing allocates nothing.
                for (var i = 0; i < array.Count; i++)
                {
                    var element = array[i];
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
                // JsonArray's enumerator is boxed; indexing allocates nothing.
                for (var i = 0; i < array.Count; i++)
                {
                    var element = array[i];
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
                    return MatchesStringValue(value);
            }
        }

        private bool MatchesStringValue(JsonValue value)
        {
            // Values parsed from JSON are backed by a JsonElement, whose GetString allocates on every call.
            if (!value.TryGetValue<JsonElement>(out var element))
            {
                return value.TryGetValue<string>(out var text) && MatchesString(text);
            }

            if (element.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            if (_op == ComparisonOperator.Equal && _comparison == StringComparison.Ordinal)
            {
                return element.ValueEquals(_value.Text);
            }

            if (!TryGetPlainUtf8(element, out var utf8))
            {
                return MatchesString(element.GetString()!);
            }

            // UTF-16 never needs more chars than UTF-8 has bytes.
            Span<char> buffer = stackalloc char[utf8.Length];
            return MatchesString(buffer[..Encoding.UTF8.GetChars(utf8, buffer)]);
        }

        private bool MatchesString(ReadOnlySpan<char> text)
        {
            var operand = _value.Text.AsSpan();
            return _op switch
            {
                ComparisonOperator.Equal => text.Equals(operand, _comparison),
                ComparisonOperator.Contains => text.Contains(operand, _comparison),
                ComparisonOperator.StartsWith => text.StartsWith(operand, _comparison),
                ComparisonOperator.EndsWith => text.EndsWith(operand, _comparison),
                _ => Order(text.CompareTo(operand, _comparison)),
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
            if (value.TryGetValue<JsonElement>(out var element))
            {
                instant = default;
                if (element.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                if (!TryGetPlainUtf8(element, out var utf8))
                {
                    return FilterDateTime.TryParse(element.GetString(), out instant);
                }

                Span<char> buffer = stackalloc char[utf8.Length];
                return FilterDateTime.TryParse(buffer[..Encoding.UTF8.GetChars(utf8, buffer)], out instant);
            }

            if (value.TryGetValue<string>(out var text))
            {
                return FilterDateTime.TryParse(text, out instant);
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
