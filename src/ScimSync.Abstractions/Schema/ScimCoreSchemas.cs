// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Schema;

/// <summary>The schemas RFC 7643 defines: core User (§4.1), core Group (§4.2) and the Enterprise User extension (§4.3).</summary>
/// <remarks>Characteristics follow the schema representation in RFC 7643 §8.7.1.</remarks>
public static class ScimCoreSchemas
{
    private static readonly string[] s_emailTypes = ["work", "home", "other"];
    private static readonly string[] s_phoneTypes = ["work", "home", "mobile", "fax", "pager", "other"];
    private static readonly string[] s_imTypes = ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"];
    private static readonly string[] s_photoTypes = ["photo", "thumbnail"];

    /// <summary>Gets the core User schema.</summary>
    public static ScimSchemaDefinition User { get; } = new(
        ScimSchemas.User,
        "User",
        "User Account",
        [
            new() { Name = "userName", Required = true, Uniqueness = ScimUniqueness.Server, Description = "Unique identifier for the User, typically used by the user to directly authenticate to the service provider." },
            new()
            {
                Name = "name",
                Type = ScimAttributeType.Complex,
                Description = "The components of the user's real name.",
                SubAttributes =
                [
                    Text("formatted", "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display."),
                    Text("familyName", "The family name of the User, or last name in most Western languages."),
                    Text("givenName", "The given name of the User, or first name in most Western languages."),
                    Text("middleName", "The middle name(s) of the User."),
                    Text("honorificPrefix", "The honorific prefix(es) of the User, or title in most Western languages."),
                    Text("honorificSuffix", "The honorific suffix(es) of the User, or suffix in most Western languages."),
                ],
            },
            Text("displayName", "The name of the User, suitable for display to end-users."),
            Text("nickName", "The casual way to address the user in real life."),
            new() { Name = "profileUrl", Type = ScimAttributeType.Reference, ReferenceTypes = ["external"], Description = "A fully qualified URL pointing to a page representing the User's online profile." },
            Text("title", "The user's title, such as \"Vice President\"."),
            Text("userType", "Used to identify the relationship between the organization and the user."),
            Text("preferredLanguage", "Indicates the User's preferred written or spoken language (RFC 7231 Accept-Language)."),
            Text("locale", "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."),
            Text("timezone", "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
            new() { Name = "active", Type = ScimAttributeType.Boolean, Description = "A Boolean value indicating the User's administrative status." },
            new() { Name = "password", Mutability = ScimMutability.WriteOnly, Returned = ScimReturned.Never, Description = "The User's cleartext password. Never returned." },
            MultiValued("emails", "Email addresses for the user.", Text("value", "Email addresses for the user."), s_emailTypes),
            MultiValued("phoneNumbers", "Phone numbers for the User.", Text("value", "Phone number of the User."), s_phoneTypes),
            MultiValued("ims", "Instant messaging addresses for the User.", Text("value", "Instant messaging address for the User."), s_imTypes),
            MultiValued(
                "photos",
                "URLs of photos of the User.",
                new() { Name = "value", Type = ScimAttributeType.Reference, ReferenceTypes = ["external"], Description = "URL of a photo of the User." },
                s_photoTypes),
            new()
            {
                Name = "addresses",
                Type = ScimAttributeType.Complex,
                MultiValued = true,
                Description = "A physical mailing address for this User.",
                SubAttributes =
                [
                    Text("formatted", "The full mailing address, formatted for display or use with a mailing label."),
                    Text("streetAddress", "The full street address component."),
                    Text("locality", "The city or locality component."),
                    Text("region", "The state or region component."),
                    Text("postalCode", "The zip code or postal code component."),
                    Text("country", "The country name component."),
                    new() { Name = "type", CanonicalValues = s_emailTypes, Description = "A label indicating the attribute's function, e.g., 'work' or 'home'." },
                    Primary(),
                ],
            },
            new()
            {
                Name = "groups",
                Type = ScimAttributeType.Complex,
                MultiValued = true,
                Mutability = ScimMutability.ReadOnly,
                Description = "A list of groups to which the user belongs, either through direct membership or through nested groups.",
                SubAttributes =
                [
                    new() { Name = "value", Mutability = ScimMutability.ReadOnly, Description = "The identifier of the User's group." },
                    new() { Name = "$ref", Type = ScimAttributeType.Reference, ReferenceTypes = ["User", "Group"], Mutability = ScimMutability.ReadOnly, Description = "The URI of the corresponding 'Group' resource." },
                    new() { Name = "display", Mutability = ScimMutability.ReadOnly, Description = "A human-readable name, primarily used for display purposes." },
                    new() { Name = "type", CanonicalValues = ["direct", "indirect"], Mutability = ScimMutability.ReadOnly, Description = "A label indicating the attribute's function, e.g., 'direct' or 'indirect'." },
                ],
            },
            MultiValued("entitlements", "A list of entitlements for the User that represent a thing the User has.", Text("value", "The value of an entitlement."), []),
            MultiValued("roles", "A list of roles for the User that collectively represent who the User is.", Text("value", "The value of a role."), []),
            MultiValued(
                "x509Certificates",
                "A list of certificates issued to the User.",
                new() { Name = "value", Type = ScimAttributeType.Binary, Description = "The value of an X.509 certificate (base64 DER)." },
                []),
        ]);

    /// <summary>Gets the core Group schema.</summary>
    public static ScimSchemaDefinition Group { get; } = new(
        ScimSchemas.Group,
        "Group",
        "Group",
        [
            new() { Name = "displayName", Required = true, Description = "A human-readable name for the Group." },
            new()
            {
                Name = "members",
                Type = ScimAttributeType.Complex,
                MultiValued = true,
                Description = "A list of members of the Group.",
                SubAttributes =
                [
                    new() { Name = "value", Mutability = ScimMutability.Immutable, Description = "Identifier of the member of this Group." },
                    new() { Name = "$ref", Type = ScimAttributeType.Reference, ReferenceTypes = ["User", "Group"], Mutability = ScimMutability.Immutable, Description = "The URI corresponding to a SCIM resource that is a member of this Group." },
                    new() { Name = "type", CanonicalValues = ["User", "Group"], Mutability = ScimMutability.Immutable, Description = "A label indicating the type of resource, e.g., 'User' or 'Group'." },
                    new() { Name = "display", Mutability = ScimMutability.Immutable, Description = "A human-readable name for the member." },
                ],
            },
        ]);

    /// <summary>Gets the Enterprise User extension schema.</summary>
    public static ScimSchemaDefinition EnterpriseUser { get; } = new(
        ScimSchemas.EnterpriseUser,
        "EnterpriseUser",
        "Enterprise User",
        [
            Text("employeeNumber", "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization."),
            Text("costCenter", "Identifies the name of a cost center."),
            Text("organization", "Identifies the name of an organization."),
            Text("division", "Identifies the name of a division."),
            Text("department", "Identifies the name of a department."),
            new()
            {
                Name = "manager",
                Type = ScimAttributeType.Complex,
                Description = "The User's manager.",
                SubAttributes =
                [
                    new() { Name = "value", Description = "The id of the SCIM resource representing the User's manager." },
                    new() { Name = "$ref", Type = ScimAttributeType.Reference, ReferenceTypes = ["User"], Description = "The URI of the SCIM resource representing the User's manager." },
                    new() { Name = "displayName", Mutability = ScimMutability.ReadOnly, Description = "The displayName of the User's manager." },
                ],
            },
        ]);

    private static ScimAttributeDefinition Text(string name, string description) => new() { Name = name, Description = description };

    private static ScimAttributeDefinition Primary() => new()
    {
        Name = "primary",
        Type = ScimAttributeType.Boolean,
        Description = "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.",
    };

    private static ScimAttributeDefinition MultiValued(string name, string description, ScimAttributeDefinition value, string[] types) => new()
    {
        Name = name,
        Type = ScimAttributeType.Complex,
        MultiValued = true,
        Description = description,
        SubAttributes =
        [
            value,
            Text("display", "A human-readable name, primarily used for display purposes."),
            new() { Name = "type", CanonicalValues = types, Description = "A label indicating the attribute's function." },
            Primary(),
        ],
    };
}
