// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;
using ScimSync.Policies;
using ScimSync.Provisioning;
using ScimSync.Server.Tests.Observability;

namespace ScimSync.Server.Tests.Policies;

/// <summary>
/// Per-attribute source precedence through the endpoints: the host's "test" connection plays Entra ID (precedence
/// 10 for email) and "ldap" a directory sync (precedence 20 for the custom attribute department); both share the
/// directory with shared ownership, so each re-links and changes the other's user.
/// </summary>
public sealed class SourcePrecedenceEndToEndTests
{
    private const string LdapToken = "ldap-token-0123456789abcdef";
    private const string Entra = "test";
    private const string Ldap = "ldap";

    private static Task<ScimTestHost> StartAsync() => ScimTestHost.StartAsync(scim: s => s
        .AddConnection(Entra, c => c.UsePolicies(p =>
        {
            p.Lifecycle.Ownership = UserOwnership.Shared;
            p.AttributeMapping.CustomAttributes["department"] = new AttributeSource { Paths = { PolicyTestSupport.EnterpriseUser + ":department" } };
            p.AttributeMapping.AttributePrecedence["email"] = 10;
        }))
        .AddConnection(Ldap, c => c.UseBearerToken(LdapToken).UseDirectory(Entra).UsePolicies(p =>
        {
            p.Lifecycle.Ownership = UserOwnership.Shared;
            p.AttributeMapping.CustomAttributes["department"] = new AttributeSource { Paths = { PolicyTestSupport.EnterpriseUser + ":department" } };
            p.AttributeMapping.AttributePrecedence["department"] = 20;
        })));

    /// <summary>The same person as the directory sync sends it: another email, another department.</summary>
    private static string LdapUser(string department = "R&D") => $$"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{PolicyTestSupport.EnterpriseUser}}"],
         "externalId":"ann","userName":"ann@example.com","displayName":"Ann Smith",
         "emails":[{"primary":true,"value":"ann.smith@corp.example"}],
         "{{PolicyTestSupport.EnterpriseUser}}":{"department":"{{department}}"}
        }
        """;

    private static HttpClient LdapClient(ScimTestHost host)
    {
        var client = host.CreateClient();
        client.BaseAddress = new Uri("http://localhost/scim/ldap/v2/");
        client.DefaultRequestHeaders.Authorization = new("Bearer", LdapToken);
        return client;
    }

    private static async Task<JsonObject> CreateAsync(HttpClient client, string json)
    {
        var response = await client.PostAsync("Users", ScimTestHost.Json(json));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ScimTestHost.BodyAsync(response);
    }

    private static async Task<(ProvisionedUser Provisioned, string? Department, JsonObject Extension)> TargetAsync(ScimTestHost host, string id)
    {
        var user = await host.GetAsync("Users/" + id);
        var department = user[AttributeMappingOptions.DefaultCustomSchema]?["department"]?.GetValue<string>();
        return (ProvisionedUser.Read(user), department, user[ProvisionedUser.Schema]!.AsObject());
    }

    private static async Task<IReadOnlyList<PolicyDecision>> DecisionsAsync(ScimTestHost host, string connection, string id, string operation) =>
        (await host.LogAsync(new ProvisioningLogQuery { Connection = connection, ResourceId = id }))
            .First(e => e.Operation == operation).Decisions;

    [Fact]
    public async Task EntraFirst_ThenLdap_EachAttributeTakesItsHighestSource()
    {
        await using var host = await StartAsync();
        using var ldap = LdapClient(host);

        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var single = await TargetAsync(host, user.Id());
        Assert.Null(single.Extension["contributions"]);
        Assert.Empty(single.Provisioned.Contributions);
        Assert.Equal("Sales", single.Department);

        var relinked = await CreateAsync(ldap, LdapUser());
        Assert.Equal(user.Id(), relinked.Id());

        var (provisioned, department, extension) = await TargetAsync(host, user.Id());
        Assert.Equal("ann@example.com", provisioned.Email); // Entra: 10 over 0
        Assert.Equal("R&D", department); // ldap: 20 over 0
        Assert.Equal(Entra, provisioned.Owner);
        Assert.Equal("Display ann", provisioned.DisplayName); // a tie at 0 keeps Entra's value: it was there first
        Assert.NotNull(extension["contributions"]);
        Assert.Contains(provisioned.Contributions, c => c is { Connection: Entra, Attribute: "department", Value: "Sales", Precedence: 0 });
        Assert.Contains(provisioned.Contributions, c => c is { Connection: Ldap, Attribute: "department", Value: "R&D", Precedence: 20 });
        Assert.Contains(provisioned.Contributions, c => c is { Connection: Entra, Attribute: "email", Precedence: 10 });

        var decisions = await DecisionsAsync(host, Ldap, user.Id(), ProvisioningOperations.Create);
        var email = Assert.Single(decisions, d => d.Policy == PolicyNames.AttributeMapping && d.Subject == "email");
        Assert.Contains("'test' won with the highest precedence, 10.", email.Reason, StringComparison.Ordinal);
        var conflict = Assert.Single(decisions, d => d.Policy == PolicyNames.AttributeMapping && d.Subject == "department");
        Assert.Contains("'ldap' won with the highest precedence, 20.", conflict.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("R&D", conflict.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Sales", conflict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LdapFirst_ThenEntra_GivesTheSameWinners()
    {
        await using var host = await StartAsync();
        using var ldap = LdapClient(host);

        var user = await CreateAsync(ldap, LdapUser());
        Assert.Null((await TargetAsync(host, user.Id())).Extension["contributions"]);

        var relinked = await host.CreateEntraUserAsync("ann@example.com", "ann");
        Assert.Equal(user.Id(), relinked.Id());

        var (provisioned, department, _) = await TargetAsync(host, user.Id());
        Assert.Equal(Ldap, provisioned.Owner);
        Assert.Equal("ann@example.com", provisioned.Email);
        Assert.Equal("R&D", department);
        Assert.Contains(provisioned.Contributions, c => c is { Connection: Ldap, Attribute: "department", Value: "R&D", Precedence: 20 });
        var decisions = await DecisionsAsync(host, Entra, user.Id(), ProvisioningOperations.Create);
        Assert.Contains(decisions, d => d.Policy == PolicyNames.AttributeMapping && d.Subject == "department");
        Assert.Contains(decisions, d => d.Policy == PolicyNames.AttributeMapping && d.Subject == "email");
    }

    [Fact]
    public async Task LaterChanges_OfTheLowerSource_DoNotOverwriteTheHigher()
    {
        await using var host = await StartAsync();
        using var ldap = LdapClient(host);
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");
        await CreateAsync(ldap, LdapUser());

        // Entra changes the department (it loses: 0 under 20), ldap the email (it loses: 0 under 10).
        var patched = await host.PatchAsync("Users/" + user.Id(),
            $$"""{"op":"replace","path":"{{PolicyTestSupport.EnterpriseUser}}:department","value":"Marketing"}""");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var replaced = await ldap.PutAsync("Users/" + user.Id(), ScimTestHost.Json(
            LdapUser("Engineering").Replace("ann.smith@corp.example", "a.smith@corp.example", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);

        var (provisioned, department, _) = await TargetAsync(host, user.Id());
        Assert.Equal("ann@example.com", provisioned.Email);
        Assert.Equal("Engineering", department);
        Assert.Contains(provisioned.Contributions, c => c is { Connection: Entra, Attribute: "department", Value: "Marketing" });
        Assert.Contains(provisioned.Contributions, c => c is { Connection: Ldap, Attribute: "email", Value: "a.smith@corp.example" });
        Assert.Contains(await DecisionsAsync(host, Entra, user.Id(), ProvisioningOperations.Patch), d => d.Subject == "department");

        // The provider's own attributes stay as it sent them.
        var read = await host.GetAsync("Users/" + user.Id());
        Assert.Equal("a.smith@corp.example", read["emails"]![0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task SingleConnection_Rewrites_StoreNoContributions()
    {
        await using var host = await StartAsync();
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");

        var patched = await host.PatchAsync("Users/" + user.Id(), """{"op":"replace","path":"displayName","value":"Ann"}""");

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var (provisioned, _, extension) = await TargetAsync(host, user.Id());
        Assert.Null(extension["contributions"]);
        Assert.Equal("Ann", provisioned.DisplayName);
        Assert.DoesNotContain(await DecisionsAsync(host, Entra, user.Id(), ProvisioningOperations.Patch), d => d.Policy == PolicyNames.AttributeMapping);
    }
}
