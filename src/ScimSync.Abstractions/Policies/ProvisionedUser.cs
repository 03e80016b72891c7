// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Schema;

namespace ScimSync.Policies;

/// <summary>
/// What the mapping policies made of a user, stored with it in the provisioning extension
/// (<see cref="Schema"/>): the connection that owns it, the target's user name, email and display name, whether
/// it was deprovisioned, and its target group memberships with their provenance.
/// </summary>
/// <remarks>
/// <para>
/// The extension is read-only to SCIM clients (RFC 7643 §2.2 <c>mutability: readOnly</c>): the server computes it
/// on every write from the incoming user and the connection's policies, in the same store write as the user, so it
/// is never out of step with it. It is returned on the user and can be filtered
/// (<c>urn:scimsync:params:scim:schemas:extension:provisioning:2.0:User:groups[value eq "jira-users"]</c>).
/// </para>
/// <para>
/// The identity provider's own attributes are kept as it sent them, so its lookups (<c>userName eq …</c>) keep
/// working; hosts and targets read the mapped values from here.
/// </para>
/// </remarks>
/// <param name="Owner">The connection that created the user.</param>
/// <param name="UserName">The target user name.</param>
/// <param name="Email">The target email.</param>
/// <param name="DisplayName">The target display name.</param>
/// <param name="Deprovisioned">Whether a <c>DELETE</c> deactivated and kept the user.</param>
/// <param name="Memberships">The target group memberships and what made each.</param>
public sealed record ProvisionedUser(
    string? Owner,
    string? UserName,
    string? Email,
    string? DisplayName,
    bool Deprovisioned,
    TargetMemberships Memberships)
{
    /// <summary>The URN of the provisioning extension.</summary>
    public const string Schema = "urn:scimsync:params:scim:schemas:extension:provisioning:2.0:User";

    /// <summary>
    /// Gets what each connection gave for each target attribute, when more than one connection writes the user
    /// (see <see cref="AttributePrecedence"/>); empty for a user only one connection wrote, whose values are the
    /// top-level ones.
    /// </summary>
    /// <remarks>
    /// Stored as <c>contributions</c>, one entry per connection and attribute, in the order they first appeared (the
    /// order decides ties). Record equality compares this list by reference.
    /// </remarks>
    public IReadOnlyList<AttributeContribution> Contributions { get; init; } = [];

    /// <summary>Gets the nothing-yet value: no owner, no values, no memberships.</summary>
    public static ProvisionedUser Empty { get; } = new(null, null, null, null, false, TargetMemberships.Empty);

    /// <summary>Gets the extension's schema, registered for <c>User</c> when a connection has policies.</summary>
    public static ScimSchemaDefinition Definition { get; } = new(
        Schema,
        "ProvisionedUser",
        "What ScimSync's mapping policies made of the user: owner, target attributes and target group memberships with their provenance.",
        [
            ReadOnly("owner", "The connection that created the user."),
            ReadOnly("userName", "The target user name."),
            ReadOnly("email", "The target email address."),
            ReadOnly("displayName", "The target display name."),
            ReadOnly("deprovisioned", "Whether a DELETE deactivated and kept the user.", ScimAttributeType.Boolean),
            new ScimAttributeDefinition
            {
                Name = "groups",
                Type = ScimAttributeType.Complex,
                MultiValued = true,
                Mutability = ScimMutability.ReadOnly,
                Description = "Target group memberships, one entry per group and source.",
                SubAttributes =
                [
                    ReadOnly("value", "The target group's name."),
                    ReadOnly("connection", "The connection whose rule made the membership."),
                    ReadOnly("rule", "The rule: defaultForNewUsers, defaultForAllUsers, onTheFly or manual."),
                    ReadOnly("source", "The incoming group's id, for a mapped group."),
                ],
            },
            new ScimAttributeDefinition
            {
                Name = "contributions",
                Type = ScimAttributeType.Complex,
                MultiValued = true,
                Mutability = ScimMutability.ReadOnly,
                Description = "What each connection gave for each target attribute, when several connections write the user.",
                SubAttributes =
                [
                    ReadOnly("connection", "The connection that gave the value."),
                    ReadOnly("attribute", "The target attribute: userName, email, displayName or a custom attribute."),
                    ReadOnly("value", "The value the connection's mapping gave."),
                    ReadOnly("precedence", "The connection's precedence for the attribute; the highest wins, a tie keeps the earlier value.", ScimAttributeType.Integer),
                ],
            },
        ]);

    /// <summary>Reads the extension of a user.</summary>
    /// <param name="user">The user, as stored or as returned.</param>
    /// <returns>The extension's values, or <see cref="Empty"/> when the user has none.</returns>
    public static ProvisionedUser Read(JsonObject user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (Find(user, Schema) is not JsonObject extension)
        {
            return Empty;
        }

        var memberships = new List<TargetMembership>();
        if (Find(extension, "groups") is JsonArray groups)
        {
            var byGroup = new Dictionary<string, List<MembershipSource>>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in groups)
            {
                if (entry is JsonObject item && NonBlank(item, "value") is { } group &&
                    NonBlank(item, "connection") is { } connection && NonBlank(item, "rule") is { } rule)
                {
                    if (!byGroup.TryGetValue(group, out var sources))
                    {
                        byGroup[group] = sources = [];
                    }

                    sources.Add(new MembershipSource(connection, rule, Text(item, "source")));
                }
            }

            foreach (var (group, sources) in byGroup)
            {
                memberships.Add(new TargetMembership(group, sources));
            }
        }

        var contributions = new List<AttributeContribution>();
        if (Find(extension, "contributions") is JsonArray entries)
        {
            foreach (var entry in entries)
            {
                if (entry is JsonObject item && Text(item, "connection") is { Length: > 0 } connection &&
                    Text(item, "attribute") is { Length: > 0 } attribute)
                {
                    var precedence = Find(item, "precedence") is JsonValue number && number.TryGetValue<int>(out var value) ? value : 0;
                    contributions.Add(new AttributeContribution(connection, attribute, Text(item, "value"), precedence));
                }
            }
        }

        return new ProvisionedUser(
            Text(extension, "owner"),
            Text(extension, "userName"),
            Text(extension, "email"),
            Text(extension, "displayName"),
            Find(extension, "deprovisioned") is JsonValue flag && flag.TryGetValue<bool>(out var deprovisioned) && deprovisioned,
            TargetMemberships.From(memberships))
        {
            Contributions = contributions.Count == 0 ? Array.Empty<AttributeContribution>() : contributions.AsReadOnly(),
        };
    }

    /// <summary>Writes the extension into a user, replacing any earlier value, and lists its URN in <c>schemas</c>.</summary>
    /// <param name="user">The user to change.</param>
    public void WriteTo(JsonObject user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var extension = new JsonObject();
        Add(extension, "owner", Owner);
        Add(extension, "userName", UserName);
        Add(extension, "email", Email);
        Add(extension, "displayName", DisplayName);
        if (Deprovisioned)
        {
            extension["deprovisioned"] = true;
        }

        if (Memberships.Memberships.Count > 0)
        {
            var groups = new JsonArray();
            foreach (var membership in Memberships.Memberships)
            {
                foreach (var source in membership.Sources)
                {
                    var item = new JsonObject { ["value"] = membership.Group, ["connection"] = source.Connection, ["rule"] = source.Rule };
                    Add(item, "source", source.SourceGroupId);
                    groups.Add((JsonNode)item);
                }
            }

            extension["groups"] = groups;
        }

        if (Contributions.Count > 0)
        {
            var contributions = new JsonArray();
            foreach (var contribution in Contributions)
            {
                var item = new JsonObject { ["connection"] = contribution.Connection, ["attribute"] = contribution.Attribute };
                Add(item, "value", contribution.Value);
                item["precedence"] = contribution.Precedence;
                contributions.Add((JsonNode)item);
            }

            extension["contributions"] = contributions;
        }

        user.SetExtension(Schema, extension);
    }

    private static ScimAttributeDefinition ReadOnly(string name, string description, ScimAttributeType type = ScimAttributeType.String) => new()
    {
        Name = name,
        Type = type,
        Description = description,
        Mutability = ScimMutability.ReadOnly,
    };

    private static void Add(JsonObject target, string name, string? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }

    private static JsonNode? Find(JsonObject source, string name)
    {
        foreach (var (key, value) in source)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static string? Text(JsonObject source, string name) =>
        Find(source, name) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string? NonBlank(JsonObject source, string name) =>
        Text(source, name) is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;
}
