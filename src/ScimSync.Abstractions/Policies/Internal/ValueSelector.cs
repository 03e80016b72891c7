// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Filtering;
using ScimSync.Internal;
using ScimSync.Patching;
using ScimSync.Schema;

namespace ScimSync.Policies.Internal;

/// <summary>One candidate of an attribute source, parsed once: a SCIM path or a template of paths.</summary>
internal abstract class ValueSelector
{
    // The RFC 7643 user with the enterprise extension: resolves the attribute of a value filter. Built here rather
    // than taken from a registry, so that extensions a host adds elsewhere cannot change how a policy behaves.
    internal static readonly ScimResourceTypeDefinition UserType = new(
        ScimResourceTypeNames.User,
        "/Users",
        "User Account",
        ScimCoreSchemas.User,
        [new ScimSchemaExtension(ScimCoreSchemas.EnterpriseUser, Required: false)]);

    internal static readonly ScimFilterEvaluator Evaluator = new(UserType);

    /// <summary>Returns the value the candidate selects in a user, or <see langword="null"/> (never empty).</summary>
    public abstract string? Select(JsonObject user);

    /// <summary>Parses one entry of <see cref="AttributeSource.Paths"/>.</summary>
    /// <param name="text">The entry.</param>
    /// <param name="selector">The selector, when the entry is valid.</param>
    /// <param name="problem">Why it is not, as the end of a sentence that starts with the setting's name.</param>
    /// <returns><see langword="true"/> when the entry is valid.</returns>
    public static bool TryCreate(string text, out ValueSelector? selector, out string? problem)
    {
        selector = null;
        if (text.Contains('{', StringComparison.Ordinal) || text.Contains('}', StringComparison.Ordinal))
        {
            if (TemplateSelector.TryParse(text, out var template, out problem))
            {
                selector = template;
                return true;
            }

            return false;
        }

        if (PathSelector.TryParse(text, out var path, out problem))
        {
            selector = path;
            return true;
        }

        return false;
    }
}

/// <summary>A SCIM path with an optional value filter and sub-attribute.</summary>
internal sealed class PathSelector : ValueSelector
{
    private readonly string? _extension;
    private readonly string _attribute;
    private readonly string? _subAttribute;
    private readonly FilterNode? _filter;
    private readonly ScimAttributeDefinition? _filterAttribute;

    private PathSelector(string? extension, string attribute, string? subAttribute, FilterNode? filter, ScimAttributeDefinition? filterAttribute)
    {
        _extension = extension;
        _attribute = attribute;
        _subAttribute = subAttribute;
        _filter = filter;
        _filterAttribute = filterAttribute;
    }

    public static bool TryParse(string text, out PathSelector? selector, out string? problem)
    {
        selector = null;
        if (!PatchPath.TryParse(text, out var path, out var error))
        {
            problem = $"'{text}' is not a SCIM path: {error.Detail}";
            return false;
        }

        var attribute = path.Attribute;
        var extension = attribute.SchemaUri;
        if (extension is not null && string.Equals(extension, ScimSchemas.User, StringComparison.OrdinalIgnoreCase))
        {
            extension = null; // the core schema's attributes are at the top level
        }

        var resolution = UserType.Resolve(attribute);
        ScimAttributeDefinition? filterAttribute = null;
        if (path.ValueFilter is { } filter)
        {
            var parent = UserType.Resolve(attribute.Parent);
            if (parent is null)
            {
                problem = $"'{text}' filters the values of '{attribute.Parent}', which the SCIM user schema does not define; a value filter needs a known attribute";
                return false;
            }

            if (Evaluator.ValidateValueFilter(filter, parent.Attribute) is { } filterError)
            {
                problem = $"'{text}' has an invalid value filter: {filterError.Detail}";
                return false;
            }

            filterAttribute = parent.Attribute;
        }

        if (resolution is not null && resolution.Target.IsComplex)
        {
            problem = $"'{text}' selects the complex attribute '{resolution.Target.Name}', which has no text value; name one of its sub-attributes";
            return false;
        }

        problem = null;
        selector = new PathSelector(extension, attribute.AttributeName, attribute.SubAttributeName, path.ValueFilter, filterAttribute);
        return true;
    }

    public override string? Select(JsonObject user)
    {
        var container = user;
        if (_extension is not null)
        {
            if (user.GetPropertyIgnoreCase(_extension) is not JsonObject extension)
            {
                return null;
            }

            container = extension;
        }

        var node = container.GetPropertyIgnoreCase(_attribute);
        if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is { } element && Accepts(element) && SelectIn(element) is { } value)
                {
                    return value;
                }
            }

            return null;
        }

        return node is not null && Accepts(node) ? SelectIn(node) : null;
    }

    private bool Accepts(JsonNode element) =>
        _filter is null || Evaluator.MatchesValue(_filter, element, _filterAttribute!);

    private string? SelectIn(JsonNode element)
    {
        if (_subAttribute is null)
        {
            return ToText(element);
        }

        return element is JsonObject obj ? ToText(obj.GetPropertyIgnoreCase(_subAttribute)) : null;
    }

    private static string? ToText(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null; // absent, null, object or array
        }

        if (value.TryGetValue<string>(out var text))
        {
            return text.Length == 0 ? null : text;
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Number:
                return value.TryGetValue<JsonElement>(out var element) ? element.GetRawText() : NumberText(value);
            case JsonValueKind.String:
                return value.TryGetValue<JsonElement>(out var s) ? NonEmpty(s.GetString()) : null;
            default:
                return null;
        }
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    // A number built in memory rather than parsed: format it as JSON would.
    private static string NumberText(JsonValue value)
    {
        if (value.TryGetValue<long>(out var l))
        {
            return l.ToString(CultureInfo.InvariantCulture);
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i.ToString(CultureInfo.InvariantCulture);
        }

        if (value.TryGetValue<decimal>(out var m))
        {
            return m.ToString(CultureInfo.InvariantCulture);
        }

        if (value.TryGetValue<double>(out var d))
        {
            return d.ToString("R", CultureInfo.InvariantCulture);
        }

        return value.ToJsonString();
    }
}

/// <summary>
/// A template: literal text with paths in braces (<c>{name.givenName} {name.familyName}</c>); <c>{{</c> and
/// <c>}}</c> are literal braces. Yields a value when at least one path does; white space is collapsed and trimmed.
/// </summary>
internal sealed class TemplateSelector : ValueSelector
{
    [ThreadStatic]
    private static StringBuilder? t_builder;

    // Literal parts are strings, placeholders are selectors.
    private readonly object[] _parts;

    private TemplateSelector(object[] parts) => _parts = parts;

    public static bool TryParse(string text, out TemplateSelector? selector, out string? problem)
    {
        selector = null;
        var parts = new List<object>();
        var literal = new StringBuilder();
        var placeholders = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i += 2;
            }
            else if (c == '}')
            {
                if (i + 1 < text.Length && text[i + 1] == '}')
                {
                    literal.Append('}');
                    i += 2;
                    continue;
                }

                problem = $"the template '{text}' has a '}}' at position {i} that closes nothing; write '}}}}' for a literal brace";
                return false;
            }
            else if (c == '{')
            {
                var end = FindClose(text, i + 1);
                if (end < 0)
                {
                    problem = $"the template '{text}' has a '{{' at position {i} that is never closed; write '{{{{' for a literal brace";
                    return false;
                }

                var inner = text[(i + 1)..end].Trim();
                if (inner.Length == 0)
                {
                    problem = $"the template '{text}' has an empty placeholder at position {i}";
                    return false;
                }

                if (!PathSelector.TryParse(inner, out var path, out var pathProblem))
                {
                    problem = $"the placeholder at position {i} of the template '{text}' is invalid: {pathProblem}";
                    return false;
                }

                if (literal.Length > 0)
                {
                    parts.Add(literal.ToString());
                    literal.Clear();
                }

                parts.Add(path!);
                placeholders++;
                i = end + 1;
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }

        if (placeholders == 0)
        {
            problem = $"the template '{text}' has no placeholder, so it never gives a value; use Constant for fixed text";
            return false;
        }

        if (literal.Length > 0)
        {
            parts.Add(literal.ToString());
        }

        problem = null;
        selector = new TemplateSelector([.. parts]);
        return true;
    }

    // The closing brace of a placeholder, skipping braces inside quoted filter values.
    private static int FindClose(string text, int start)
    {
        var quoted = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == '}')
            {
                return i;
            }
        }

        return -1;
    }

    public override string? Select(JsonObject user)
    {
        var builder = t_builder ??= new StringBuilder();
        builder.Clear();
        var resolved = false;
        var pendingSpace = false;
        for (var p = 0; p < _parts.Length; p++)
        {
            var part = _parts[p];
            string? text;
            if (part is string literal)
            {
                text = literal;
            }
            else
            {
                text = ((PathSelector)part).Select(user);
                if (text is null)
                {
                    continue;
                }

                resolved = true;
            }

            // Collapse runs of white space to one space and drop leading and trailing white space.
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    pendingSpace = builder.Length > 0;
                }
                else
                {
                    if (pendingSpace)
                    {
                        builder.Append(' ');
                        pendingSpace = false;
                    }

                    builder.Append(c);
                }
            }
        }

        var result = resolved && builder.Length > 0 ? builder.ToString() : null;
        if (builder.Capacity > 1024)
        {
            t_builder = null; // do not keep a large buffer alive for the thread
        }

        return result;
    }
}
