// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Endpoints;

/// <summary>The request sequence Microsoft Entra ID's provisioning service sends for a new user and group.</summary>
public sealed class EntraProvisioningSequenceTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task EntraSequence_CreateUpdateGroupMembershipDelete_Succeeds()
    {
        // 1. Is the user there yet?
        var lookup = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"Test_User_ab6490ee@contoso.com\"")));
        Assert.Equal(0, lookup["totalResults"]!.GetValue<int>());

        // 2. Create it, the way Entra sends it.
        var created = await _host.PostAsync("Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee@contoso.com","active":true,
             "emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b@contoso.com"}],
             "meta":{"resourceType":"User"},"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
             "roles":[],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"}}
            """);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var userId = (await ScimTestHost.BodyAsync(created))["id"]!.GetValue<string>();

        // 3. Disable it with Entra's capitalised op and boolean string.
        var disable = await PatchAsync($"Users/{userId}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"Replace","path":"active","value":"False"},
                           {"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Support"}]}
            """);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        var disabled = await ScimTestHost.BodyAsync(disable);
        Assert.False(disabled["active"]!.GetValue<bool>());
        Assert.Equal("Support", disabled["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["department"]!.GetValue<string>());

        // 4. Create a group, 5. add the user to it.
        var group = await _host.PostAsync("Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"displayName","meta":{"resourceType":"Group"}}""");
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        var groupId = (await ScimTestHost.BodyAsync(group))["id"]!.GetValue<string>();
        var add = await PatchAsync($"Groups/{groupId}", $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{userId}}"}]}]}""");
        Assert.True(add.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK);

        // 6. Entra reads groups without members.
        var read = await _host.Client.GetAsync($"Groups/{groupId}?excludedAttributes=members");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var readBody = await ScimTestHost.BodyAsync(read);
        Assert.Null(readBody["members"]);
        Assert.Equal("displayName", readBody["displayName"]!.GetValue<string>());
        var memberCheck = await ScimTestHost.BodyAsync(await _host.Client.GetAsync(
            "Groups?excludedAttributes=members&filter=" + Uri.EscapeDataString($"id eq \"{groupId}\" and members[value eq \"{userId}\"]")));
        Assert.Equal(1, memberCheck["totalResults"]!.GetValue<int>());

        // 7. Remove the member Entra's way, then delete both.
        var remove = await PatchAsync($"Groups/{groupId}", $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members","value":[{"value":"{{userId}}"}]}]}""");
        Assert.True(remove.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync($"Users/{userId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync($"Groups/{groupId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync($"Users/{userId}")).StatusCode);
    }

    private async Task<HttpResponseMessage> PatchAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = ScimTestHost.Json(json) };
        return await _host.Client.SendAsync(request);
    }
}
