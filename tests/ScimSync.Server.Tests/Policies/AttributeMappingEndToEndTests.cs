// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using ScimSync.Policies;

namespace ScimSync.Server.Tests.Policies;

/// <summary>Attribute mapping and custom attributes, as stored with the user and returned by the endpoints.</summary>
public sealed class AttributeMappingEndToEndTests
{
    private const string Custom = AttributeMappingOptions.DefaultCustomSchema;

    [Fact]
    public async Task Defaults_MapUserNamePrimaryEmailAndDisplayName()
    {
        await using var host = await PolicyTestSupport.StartAsync(_ => { });

        var user = await host.CreateEntraUserAsync("Ann@Example.com", "ann");

        var provisioned = ProvisionedUser.Read(user);
        Assert.Equal("Ann@Example.com", provisioned.UserName);
        Assert.Equal("Ann@Example.com", provisioned.Email);
        Assert.Equal("Display ann", provisioned.DisplayName);
        Assert.Equal("test", provisioned.Owner);
        Assert.Contains(ProvisionedUser.Schema, user["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task RepointedSources_AndCustomAttributes_AreStoredReturnedAndFilterable()
    {
        await using var host = await PolicyTestSupport.StartAsync(p =>
        {
            var userName = new AttributeSource();
            userName.Paths.Add(PolicyTestSupport.EnterpriseUser + ":employeeNumber");
            p.AttributeMapping.UserName = userName;
            var displayName = new AttributeSource();
            displayName.Paths.Add("{name.givenName} {name.familyName}");
            p.AttributeMapping.DisplayName = displayName;
            var department = new AttributeSource();
            department.Paths.Add(PolicyTestSupport.EnterpriseUser + ":department");
            department.Transforms.Add(AttributeTransform.Lowercase());
            p.AttributeMapping.CustomAttributes["department"] = department;
            p.AttributeMapping.CustomAttributes["source"] = new AttributeSource { Constant = "entra" };
        });

        var created = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var read = await host.GetAsync("Users/" + created.Id());
        var filtered = await host.GetAsync("Users?filter=" + Uri.EscapeDataString(Custom + ":department eq \"sales\""));
        var none = await host.GetAsync("Users?filter=" + Uri.EscapeDataString(Custom + ":department eq \"marketing\""));
        var schema = await host.GetAsync("Schemas/" + Custom);

        var provisioned = ProvisionedUser.Read(read);
        Assert.Equal("E-ann", provisioned.UserName);
        Assert.Equal("Given Family", provisioned.DisplayName);
        Assert.Equal("ann@example.com", read["userName"]!.GetValue<string>());
        Assert.Equal("sales", read[Custom]!["department"]!.GetValue<string>());
        Assert.Equal("entra", read[Custom]!["source"]!.GetValue<string>());
        Assert.Equal(1, filtered["totalResults"]!.GetValue<int>());
        Assert.Equal(0, none["totalResults"]!.GetValue<int>());
        Assert.Equal(["department", "source"], schema["attributes"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CustomAttributes_FollowTheSourceOnUpdate_AndClientValuesAreIgnored()
    {
        await using var host = await PolicyTestSupport.StartAsync(p =>
        {
            var department = new AttributeSource();
            department.Paths.Add(PolicyTestSupport.EnterpriseUser + ":department");
            p.AttributeMapping.CustomAttributes["department"] = department;
        });
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");

        var patched = await host.PatchAsync("Users/" + user.Id(),
            $$"""{"op":"replace","path":"{{PolicyTestSupport.EnterpriseUser}}:department","value":"Finance"}""");
        var forged = await host.PatchAsync("Users/" + user.Id(), $$"""{"op":"replace","path":"{{Custom}}:department","value":"Forged"}""");

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("mutability", (await ScimTestHost.BodyAsync(forged))["scimType"]!.GetValue<string>());
        Assert.Equal("Finance", (await host.GetAsync("Users/" + user.Id()))[Custom]!["department"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mapping_ThatGivesNoUserName_Is400AndWritesNothing()
    {
        await using var host = await PolicyTestSupport.StartAsync(p =>
        {
            var userName = new AttributeSource();
            userName.Paths.Add(PolicyTestSupport.EnterpriseUser + ":costCenter");
            p.AttributeMapping.UserName = userName;
        });

        var response = await host.PostAsync("Users", PolicyTestSupport.EntraUser("ann@example.com", "ann"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidValue", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
        Assert.Equal(0, (await host.GetAsync("Users"))["totalResults"]!.GetValue<int>());
    }
}
