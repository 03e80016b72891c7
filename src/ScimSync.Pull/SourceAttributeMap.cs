// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ScimSync.Pull;

/// <summary>
/// Maps a source's user record to a SCIM user: which source attribute fills which SCIM path. A connector starts
/// from its defaults and applies the operator's overrides (an empty value removes a default). Used by the Graph and
/// Okta connectors; a source of your own can use it too.
/// </summary>
/// <remarks>
/// Supported paths: <c>userName</c>, <c>displayName</c>, <c>nickName</c>, <c>title</c>, <c>userType</c>,
/// <c>preferredLanguage</c>, <c>locale</c>, <c>timezone</c>, <c>profileUrl</c>, <c>name.givenName</c> (and the other
/// parts of <c>name</c>), <c>emails[type eq "work"].value</c> and <c>phoneNumbers[type eq "mobile"].value</c> (any
/// type), and the enterprise extension's <c>employeeNumber</c>, <c>costCenter</c>, <c>organization</c>,
/// <c>division</c> and <c>department</c> (written in full, or <c>enterprise.department</c>, which configuration files
/// need since <c>:</c> separates their sections). A value may list fallbacks separated by <c>|</c>. The mapping
/// policies' custom attributes read these paths.
/// </remarks>
public sealed partial class SourceAttributeMap
{
    /// <summary>The URN of the enterprise user extension.</summary>
    public const string EnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    private const string CoreUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    private static readonly string[] SimplePaths =
        ["userName", "displayName", "nickName", "title", "userType", "preferredLanguage", "locale", "timezone", "profileUrl"];

    private static readonly string[] NameParts = ["givenName", "familyName", "middleName", "formatted", "honorificPrefix", "honorificSuffix"];

    private static readonly string[] EnterpriseParts = ["employeeNumber", "costCenter", "organization", "division", "department"];

    private readonly List<(string Path, string[] Attributes)> _entries;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="defaults">The connector's defaults: SCIM path to source attribute (with <c>|</c> fallbacks).</param>
    /// <param name="overrides">The operator's entries, which win; an empty value removes a default.</param>
    /// <exception cref="ArgumentException">A path is not supported, or <c>userName</c> has no source.</exception>
    public SourceAttributeMap(IEnumerable<KeyValuePair<string, string>> defaults, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, attribute) in defaults.Concat(overrides ?? []))
        {
            var expanded = ExpandPath(path);
            if (!IsSupportedPath(expanded))
            {
                throw new ArgumentException($"'{path}' is not a supported SCIM path.", nameof(overrides));
            }

            map[expanded] = attribute ?? string.Empty;
        }

        _entries = [.. map.Where(p => p.Value.Length > 0).Select(p => (p.Key, p.Value.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))];
        if (!_entries.Any(e => e.Path == "userName" && e.Attributes.Length > 0))
        {
            throw new ArgumentException("userName needs a source attribute.", nameof(overrides));
        }

        Attributes = [.. _entries.SelectMany(e => e.Attributes).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Gets every source attribute the map reads (for a <c>$select</c>), each once.</summary>
    public IReadOnlyList<string> Attributes { get; }

    /// <summary>Gets the source attributes that fill <c>userName</c>, in order of preference.</summary>
    public IReadOnlyList<string> UserNameAttributes => _entries.First(e => e.Path == "userName").Attributes;

    /// <summary>Expands the configuration-file shorthand <c>enterprise.department</c> to the full path.</summary>
    /// <param name="path">The path as written.</param>
    /// <returns>The full path.</returns>
    public static string ExpandPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.StartsWith("enterprise.", StringComparison.OrdinalIgnoreCase)
            ? EnterpriseSchema + ":" + path["enterprise.".Length..]
            : path;
    }

    /// <summary>Tells whether a (full) SCIM path can be mapped.</summary>
    /// <param name="path">The path.</param>
    /// <returns><see langword="true"/> when supported.</returns>
    public static bool IsSupportedPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (SimplePaths.Contains(path, StringComparer.Ordinal))
        {
            return true;
        }

        if (path.StartsWith("name.", StringComparison.Ordinal))
        {
            return NameParts.Contains(path["name.".Length..], StringComparer.Ordinal);
        }

        if (path.StartsWith(EnterpriseSchema + ":", StringComparison.Ordinal))
        {
            return EnterpriseParts.Contains(path[(EnterpriseSchema.Length + 1)..], StringComparer.Ordinal);
        }

        return TypedValuePath().IsMatch(path);
    }

    /// <summary>Lists the problems of an operator's map (for options validation).</summary>
    /// <param name="overrides">The operator's entries.</param>
    /// <param name="isAttributeName">Tells whether a source attribute name is well formed.</param>
    /// <returns>The problems; empty when none.</returns>
    public static IList<string> Validate(IEnumerable<KeyValuePair<string, string>> overrides, Func<string, bool> isAttributeName)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(isAttributeName);
        var problems = new List<string>();
        foreach (var (path, attribute) in overrides)
        {
            if (!IsSupportedPath(ExpandPath(path)))
            {
                problems.Add($"AttributeMap: '{path}' is not a supported SCIM path.");
            }
            else if (ExpandPath(path) == "userName" && string.IsNullOrWhiteSpace(attribute))
            {
                problems.Add("AttributeMap: userName cannot be removed.");
            }

            if (!string.IsNullOrEmpty(attribute) && attribute.Split('|', StringSplitOptions.TrimEntries).Any(a => !isAttributeName(a)))
            {
                problems.Add($"AttributeMap: '{attribute}' (for '{path}') is not an attribute name of this source.");
            }
        }

        return problems;
    }

    /// <summary>
    /// Builds the SCIM user: every mapped path is present, with JSON <c>null</c> (or an empty array for
    /// <c>emails</c> and <c>phoneNumbers</c>) where the source has no value, so that a cleared attribute is seen as a
    /// change.
    /// </summary>
    /// <param name="id">The source's immutable id (becomes <c>externalId</c>).</param>
    /// <param name="active">Whether the account is enabled.</param>
    /// <param name="read">Reads one source attribute as text, or <see langword="null"/>.</param>
    /// <returns>The SCIM user.</returns>
    public JsonObject MapUser(string id, bool active, Func<string, string?> read)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(read);
        var user = new JsonObject { ["schemas"] = new JsonArray(CoreUserSchema), ["externalId"] = id };
        JsonObject? enterprise = null;
        foreach (var (path, attributes) in _entries)
        {
            string? value = null;
            foreach (var attribute in attributes)
            {
                if (read(attribute) is { Length: > 0 } text)
                {
                    value = text;
                    break;
                }
            }

            if (path.StartsWith(EnterpriseSchema + ":", StringComparison.Ordinal))
            {
                enterprise ??= [];
                enterprise[path[(EnterpriseSchema.Length + 1)..]] = value;
            }
            else if (path.StartsWith("name.", StringComparison.Ordinal))
            {
                var name = user["name"] as JsonObject ?? (JsonObject)(user["name"] = new JsonObject());
                name[path["name.".Length..]] = value;
            }
            else if (TypedValuePath().Match(path) is { Success: true } typed)
            {
                var attribute = typed.Groups["attribute"].Value;
                var array = user[attribute] as JsonArray ?? (JsonArray)(user[attribute] = new JsonArray());
                if (value is not null)
                {
                    array.Add(new JsonObject { ["value"] = value, ["type"] = typed.Groups["type"].Value, ["primary"] = array.Count == 0 });
                }
            }
            else
            {
                user[path] = value;
            }
        }

        user["active"] = active;
        if (enterprise is not null)
        {
            ((JsonArray)user["schemas"]!).Add(EnterpriseSchema);
            user[EnterpriseSchema] = enterprise;
        }

        return user;
    }

    [GeneratedRegex("^(?<attribute>emails|phoneNumbers)\\[type eq \"(?<type>[A-Za-z]+)\"\\]\\.value$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TypedValuePath();
}
