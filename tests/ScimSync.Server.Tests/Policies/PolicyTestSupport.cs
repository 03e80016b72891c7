// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;
using ScimSync.Policies;

namespace ScimSync.Server.Tests.Policies;

/// <summary>Requests as Microsoft Entra ID sends them, and readers of the provisioning extension.</summary>
internal static class PolicyTestSupport
{
    public const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    public static Task<ScimTestHost> StartAsync(Action<ProvisioningPolicyOptions> policies) =>
        ScimTestHost.StartAsync(scim: s => s.AddConnection("test", c => c.UsePolicies(policies)));

    /// <summary>The user Entra ID creates: userName, externalId (mailNickname), active, name, a work email.</summary>
    public static string EntraUser(string userName, string externalId, bool active = true, string? extra = null) => $$"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{EnterpriseUser}}"],
         "externalId":"{{externalId}}","userName":"{{userName}}","active":{{(active ? "true" : "false")}},
         "displayName":"Display {{externalId}}",
         "emails":[{"primary":true,"type":"work","value":"{{userName}}"}],
         "name":{"formatted":"Formatted {{externalId}}","familyName":"Family","givenName":"Given"},
         "{{EnterpriseUser}}":{"employeeNumber":"E-{{externalId}}","department":"Sales"}{{extra}}}
        """;

    public static async Task<JsonObject> CreateEntraUserAsync(this ScimTestHost host, string userName, string externalId, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await host.PostAsync("Users", EntraUser(userName, externalId));
        Assert.Equal(expected, response.StatusCode);
        return await ScimTestHost.BodyAsync(response);
    }

    public static async Task<JsonObject> GetAsync(this ScimTestHost host, string path)
    {
        var response = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ScimTestHost.BodyAsync(response);
    }

    public static Task<HttpResponseMessage> PatchAsync(this ScimTestHost host, string path, string operations) =>
        host.Client.PatchAsync(path, ScimTestHost.Json($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{operations}}]}"""));

    /// <summary>The provisioning extension of a user as the server returns it.</summary>
    public static async Task<ProvisionedUser> ProvisionedAsync(this ScimTestHost host, string userId) =>
        ProvisionedUser.Read(await host.GetAsync("Users/" + userId));

    /// <summary>Target group names, sorted, with their rules: "Admins:onTheFly".</summary>
    public static async Task<string[]> TargetGroupsAsync(this ScimTestHost host, string userId) =>
        [.. (await host.ProvisionedAsync(userId)).Memberships.Memberships
            .SelectMany(m => m.Sources.Select(s => m.Group + ":" + s.Rule))
            .Order(StringComparer.Ordinal)];

    public static string Id(this JsonObject resource) => resource["id"]!.GetValue<string>();
}
