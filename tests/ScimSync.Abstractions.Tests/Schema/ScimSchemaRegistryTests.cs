// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Patching;
using ScimSync.Schema;

namespace ScimSync.Abstractions.Tests.Schema;

public sealed class ScimSchemaRegistryTests
{
    [Theory]
    [InlineData("userName", "userName", null)]
    [InlineData("USERNAME", "userName", null)]
    [InlineData("name.givenName", "name", "givenName")]
    [InlineData("emails.value", "emails", "value")]
    [InlineData("meta.lastModified", "meta", "lastModified")]
    [InlineData("id", "id", null)]
    public void Resolve_CoreUserPaths_FindsDefinitions(string text, string attribute, string? sub)
    {
        var user = new ScimSchemaRegistry().User;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var path = dot < 0 ? new AttributePath(null, text) : new AttributePath(null, text[..dot], text[(dot + 1)..]);

        var resolved = user.Resolve(path);

        Assert.NotNull(resolved);
        Assert.Equal(attribute, resolved.Attribute.Name);
        Assert.Equal(sub, resolved.SubAttribute?.Name);
    }

    [Fact]
    public void Resolve_EnterpriseUrnPath_FindsExtensionAttribute()
    {
        var user = new ScimSchemaRegistry().User;

        var resolved = user.Resolve(new AttributePath(ScimSchemas.EnterpriseUser.ToUpperInvariant(), "manager", "value"));

        Assert.NotNull(resolved);
        Assert.Same(ScimCoreSchemas.EnterpriseUser, resolved.Schema);
        Assert.True(resolved.IsExtension(user));
        Assert.Equal("value", resolved.Target.Name);
    }

    [Fact]
    public void Resolve_UnqualifiedExtensionAttribute_IsNotFound()
    {
        var user = new ScimSchemaRegistry().User;

        Assert.Null(user.Resolve(new AttributePath(null, "department")));
        Assert.Null(user.Resolve(new AttributePath(null, "name", "nope")));
    }

    [Fact]
    public void AddExtension_CustomSchema_IsResolvableAndListed()
    {
        var registry = new ScimSchemaRegistry();
        var custom = new ScimSchemaDefinition(
            "urn:example:params:scim:schemas:extension:acme:2.0:User",
            "AcmeUser",
            null,
            [new ScimAttributeDefinition { Name = "badge" }]);

        registry.AddExtension("user", custom);

        Assert.Contains(custom, registry.Schemas);
        Assert.NotNull(registry.User.Resolve(new AttributePath(custom.Id, "BADGE")));
        Assert.Null(ScimSchemaRegistry.Default.User.FindSchema(custom.Id));
    }

    [Fact]
    public void AddExtension_ConflictingUrn_Throws()
    {
        var registry = new ScimSchemaRegistry();
        var clash = new ScimSchemaDefinition(ScimSchemas.EnterpriseUser, "Other", null, []);

        Assert.Throws<InvalidOperationException>(() => registry.AddExtension("Group", clash));
    }

    [Fact]
    public void UserSchema_PasswordAndGroups_HaveRfcCharacteristics()
    {
        var user = ScimCoreSchemas.User;

        Assert.Equal(ScimReturned.Never, user.FindAttribute("password")!.Returned);
        Assert.Equal(ScimMutability.WriteOnly, user.FindAttribute("password")!.Mutability);
        Assert.Equal(ScimMutability.ReadOnly, user.FindAttribute("groups")!.Mutability);
        Assert.Equal(ScimUniqueness.Server, user.FindAttribute("userName")!.Uniqueness);
        Assert.False(user.FindAttribute("userName")!.CaseExact);
        Assert.True(ScimCommonAttributes.Id.CaseExact);
    }

    [Fact]
    public void ReplaceExtension_MoreAttributes_NewDefinitionResolvesAndListsOnce()
    {
        var registry = new ScimSchemaRegistry();
        const string Urn = "urn:example:params:scim:schemas:extension:custom:2.0:User";
        registry.AddExtension(ScimResourceTypeNames.User, new ScimSchemaDefinition(Urn, "Custom", "", [new ScimAttributeDefinition { Name = "a" }]));
        var before = registry.User;

        registry.ReplaceExtension(ScimResourceTypeNames.User, new ScimSchemaDefinition(Urn, "Custom", "", [new ScimAttributeDefinition { Name = "a" }, new ScimAttributeDefinition { Name = "b" }]));

        Assert.NotNull(registry.User.Resolve(new AttributePath(Urn, "b")));
        Assert.Null(before.Resolve(new AttributePath(Urn, "b")));
        Assert.Single(registry.Schemas, s => s.Id == Urn);
        Assert.Equal(2, registry.FindSchema(Urn)!.Attributes.Count);
    }

    [Fact]
    public void AttributeDefinition_CopiedWithOtherSubAttributes_FindsTheCopysOwn()
    {
        var original = new ScimAttributeDefinition
        {
            Name = "keys",
            Type = ScimAttributeType.Complex,
            SubAttributes = [new() { Name = "label" }],
        };
        Assert.NotNull(original.FindSubAttribute("label"));

        var copy = original with { SubAttributes = [new() { Name = "secret", Returned = ScimReturned.Never }] };

        Assert.Null(copy.FindSubAttribute("label"));
        Assert.NotNull(copy.FindSubAttribute("SECRET"));
        Assert.NotNull(original.FindSubAttribute("label"));
        Assert.Null(original.FindSubAttribute("secret"));
    }

    [Fact]
    public void ReplaceExtension_NotAttached_Throws()
    {
        var registry = new ScimSchemaRegistry();

        Assert.Throws<InvalidOperationException>(() => registry.ReplaceExtension(
            ScimResourceTypeNames.User, new ScimSchemaDefinition("urn:example:missing", "Missing", "", [])));
    }
}
