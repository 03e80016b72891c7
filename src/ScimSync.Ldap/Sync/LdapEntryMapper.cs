// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ScimSync.Ldap;

/// <summary>
/// Turns directory entries into SCIM users and groups for one source: the profile's attribute map with the source's
/// overrides, its active rule and its binary attributes (never read as text: <c>objectGUID</c> becomes a
/// <see cref="Guid"/> string, <c>objectSid</c> an <c>S-1-…</c> string, other binary values are left out).
/// </summary>
internal sealed partial class LdapEntryMapper
{
    internal const string CoreUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    internal const string CoreGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string UserAccountControl = "userAccountControl";
    private const int AccountDisable = 0x2;

    private static readonly string[] SimplePaths =
        ["userName", "externalId", "displayName", "nickName", "title", "userType", "preferredLanguage", "locale", "timezone", "profileUrl"];

    private static readonly string[] NameParts = ["givenName", "familyName", "middleName", "formatted", "honorificPrefix", "honorificSuffix"];

    private static readonly string[] EnterpriseParts = ["employeeNumber", "costCenter", "organization", "division", "department"];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly LdapSourceOptions _options;
    private readonly List<(string Path, string[] Attributes)> _map;

    public LdapEntryMapper(LdapSourceOptions options)
    {
        _options = options;
        Profile = options.GetProfile();
        var map = new Dictionary<string, string>(Profile.AttributeMap, StringComparer.Ordinal);
        foreach (var (path, attribute) in options.AttributeMap)
        {
            map[ExpandPath(path)] = attribute;
        }

        _map = [.. map.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => (p.Key, p.Value.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))];
        LoginAttributes = _map.First(p => p.Path == LdapDirectoryProfile.UserNamePath).Attributes;
        ExternalIdAttributes = _map.First(p => p.Path == LdapDirectoryProfile.ExternalIdPath).Attributes;
        UsesEnterprise = _map.Any(p => p.Path.StartsWith(LdapDirectoryProfile.EnterpriseSchema + ":", StringComparison.Ordinal));

        var attributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Profile.ChangeAttribute };
        foreach (var (_, names) in _map)
        {
            attributes.UnionWith(names);
        }

        if (options.ActiveAttribute is not null)
        {
            attributes.Add(options.ActiveAttribute);
        }
        else if (Profile.Kind == LdapProfileKind.ActiveDirectory)
        {
            attributes.Add(UserAccountControl);
        }

        UserAttributes = [.. attributes];
        GroupAttributes = [Profile.GroupNameAttribute, Profile.GroupExternalIdAttribute, "member", "uniqueMember", "memberUid", Profile.ChangeAttribute];
        UserFilter = options.UserFilter ?? Profile.UserFilter;
        GroupFilter = options.GroupFilter ?? Profile.GroupFilter;
    }

    public LdapDirectoryProfile Profile { get; }

    /// <summary>Gets the attributes that hold the login (the source of <c>userName</c>).</summary>
    public IReadOnlyList<string> LoginAttributes { get; }

    public IReadOnlyList<string> ExternalIdAttributes { get; }

    public bool UsesEnterprise { get; }

    public IReadOnlyList<string> UserAttributes { get; }

    public IReadOnlyList<string> GroupAttributes { get; }

    public string UserFilter { get; }

    public string GroupFilter { get; }

    /// <summary>Expands the configuration-file shorthand <c>enterprise.department</c> to the full path.</summary>
    public static string ExpandPath(string path) =>
        path.StartsWith("enterprise.", StringComparison.OrdinalIgnoreCase)
            ? LdapDirectoryProfile.EnterpriseSchema + ":" + path["enterprise.".Length..]
            : path;

    public static bool IsSupportedPath(string path)
    {
        if (SimplePaths.Contains(path, StringComparer.Ordinal))
        {
            return true;
        }

        if (path.StartsWith("name.", StringComparison.Ordinal))
        {
            return NameParts.Contains(path["name.".Length..], StringComparer.Ordinal);
        }

        if (path.StartsWith(LdapDirectoryProfile.EnterpriseSchema + ":", StringComparison.Ordinal))
        {
            return EnterpriseParts.Contains(path[(LdapDirectoryProfile.EnterpriseSchema.Length + 1)..], StringComparer.Ordinal);
        }

        return TypedValuePath().IsMatch(path);
    }

    public static bool IsAttributeName(string name) => AttributeName().IsMatch(name.Trim());

    /// <summary>Reads a value as text; binary attributes are decoded by kind or left out, invalid UTF-8 is left out.</summary>
    public static string? ReadText(string attribute, byte[] value)
    {
        if (attribute.Equals("objectGUID", StringComparison.OrdinalIgnoreCase))
        {
            return value.Length == 16 ? new Guid(value).ToString() : null;
        }

        if (attribute.Equals("objectSid", StringComparison.OrdinalIgnoreCase))
        {
            return ReadSid(value);
        }

        if (LdapDirectoryProfile.BinaryAttributes.Contains(attribute))
        {
            return null;
        }

        try
        {
            return StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The first value of the first attribute (of fallbacks) that has one, as text.</summary>
    public static string? First(LdapEntry entry, IEnumerable<string> attributes)
    {
        foreach (var attribute in attributes)
        {
            if (entry.Attributes.TryGetValue(attribute, out var values))
            {
                foreach (var value in values)
                {
                    if (ReadText(attribute, value) is { Length: > 0 } text)
                    {
                        return text;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Every value of an attribute as text (binary ones decoded or left out).</summary>
    public static IEnumerable<string> All(LdapEntry entry, string attribute) =>
        entry.Attributes.TryGetValue(attribute, out var values)
            ? values.Select(v => ReadText(attribute, v)).OfType<string>()
            : [];

    public string? Login(LdapEntry entry) => First(entry, LoginAttributes);

    public string? ExternalId(LdapEntry entry) => First(entry, ExternalIdAttributes);

    public bool IsActive(LdapEntry entry)
    {
        if (_options.ActiveAttribute is { } attribute)
        {
            return !All(entry, attribute).Any(v => string.Equals(v.Trim(), _options.DisabledValue, StringComparison.OrdinalIgnoreCase));
        }

        if (Profile.Kind == LdapProfileKind.ActiveDirectory
            && int.TryParse(First(entry, [UserAccountControl]), NumberStyles.Integer, CultureInfo.InvariantCulture, out var flags))
        {
            return (flags & AccountDisable) == 0;
        }

        return true;
    }

    /// <summary>Maps a user entry to a SCIM user (core schema, plus the enterprise extension when mapped).</summary>
    public JsonObject MapUser(LdapEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var user = new JsonObject();
        var schemas = new JsonArray(CoreUserSchema);
        JsonObject? enterprise = null;
        JsonObject? name = null;
        foreach (var (path, attributes) in _map)
        {
            if (First(entry, attributes) is not { } value)
            {
                continue;
            }

            if (path.StartsWith(LdapDirectoryProfile.EnterpriseSchema + ":", StringComparison.Ordinal))
            {
                enterprise ??= [];
                enterprise[path[(LdapDirectoryProfile.EnterpriseSchema.Length + 1)..]] = value;
            }
            else if (path.StartsWith("name.", StringComparison.Ordinal))
            {
                name ??= [];
                name[path["name.".Length..]] = value;
            }
            else if (TypedValuePath().Match(path) is { Success: true } typed)
            {
                var attribute = typed.Groups["attribute"].Value;
                var array = user[attribute] as JsonArray ?? (JsonArray)(user[attribute] = new JsonArray());
                array.Add(new JsonObject { ["value"] = value, ["type"] = typed.Groups["type"].Value, ["primary"] = array.Count == 0 });
            }
            else
            {
                user[path] = value;
            }
        }

        if (name is not null)
        {
            user["name"] = name;
        }

        user["active"] = IsActive(entry);
        if (enterprise is not null)
        {
            schemas.Add(LdapDirectoryProfile.EnterpriseSchema);
            user[LdapDirectoryProfile.EnterpriseSchema] = enterprise;
        }

        user["schemas"] = schemas;
        return user;
    }

    /// <summary>
    /// The user's mapped attributes only, as a canonical string: equal for a directory entry and the stored user it
    /// was written to when nothing mapped changed, whatever else the store or the policies added.
    /// </summary>
    public string Snapshot(JsonObject user)
    {
        var snapshot = new JsonObject();
        foreach (var (path, _) in _map)
        {
            snapshot[path] = Read(user, path)?.DeepClone();
        }

        snapshot["active"] = user["active"] is JsonValue active && active.TryGetValue<bool>(out var isActive) ? isActive : true;
        return snapshot.ToJsonString();
    }

    /// <summary>Maps a group entry to a SCIM group without members.</summary>
    public JsonObject MapGroup(LdapEntry entry) => new()
    {
        ["schemas"] = new JsonArray(CoreGroupSchema),
        ["displayName"] = First(entry, [Profile.GroupNameAttribute]),
        ["externalId"] = First(entry, [Profile.GroupExternalIdAttribute]),
    };

    private static JsonNode? Read(JsonObject user, string path)
    {
        if (path.StartsWith(LdapDirectoryProfile.EnterpriseSchema + ":", StringComparison.Ordinal))
        {
            return (user[LdapDirectoryProfile.EnterpriseSchema] as JsonObject)?[path[(LdapDirectoryProfile.EnterpriseSchema.Length + 1)..]];
        }

        if (path.StartsWith("name.", StringComparison.Ordinal))
        {
            return (user["name"] as JsonObject)?[path["name.".Length..]];
        }

        if (TypedValuePath().Match(path) is { Success: true } typed)
        {
            return (user[typed.Groups["attribute"].Value] as JsonArray)?
                .OfType<JsonObject>()
                .FirstOrDefault(v => v["type"] is JsonValue t && t.TryGetValue<string>(out var type) && string.Equals(type, typed.Groups["type"].Value, StringComparison.OrdinalIgnoreCase))?["value"];
        }

        return user[path];
    }

    private static string? ReadSid(byte[] sid)
    {
        // Revision (1), sub-authority count (1), identifier authority (6, big-endian), sub-authorities (4 each, little-endian).
        if (sid.Length < 8 || sid.Length != 8 + (4 * sid[1]))
        {
            return null;
        }

        long authority = 0;
        for (var i = 2; i < 8; i++)
        {
            authority = (authority << 8) | sid[i];
        }

        var builder = new StringBuilder("S-").Append(sid[0].ToString(CultureInfo.InvariantCulture)).Append('-').Append(authority.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < sid[1]; i++)
        {
            builder.Append('-').Append(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(sid.AsSpan(8 + (4 * i))).ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    [GeneratedRegex("^(?<attribute>emails|phoneNumbers)\\[type eq \"(?<type>[A-Za-z]+)\"\\]\\.value$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TypedValuePath();

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\\.[0-9]+)+)$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AttributeName();
}
