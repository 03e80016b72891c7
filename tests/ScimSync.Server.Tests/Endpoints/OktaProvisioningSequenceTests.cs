// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Endpoints;

/// <summary>The request sequence Okta's SCIM 2.0 provisioning sends: lookup, create, PUT update, deactivate, group push.</summary>
public sealed class OktaProvisioningSequenceTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task OktaSequence_UserLifecycleAndGroupPush_Succeeds()
    {
        var lookup = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"isabella@example.com\"") + "&startIndex=1&count=100"));
        Assert.Equal(0, lookup["totalResults"]!.GetValue<int>());

        var created = await _host.PostAsync("Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"isabella@example.com",
             "name":{"givenName":"Isabella","familyName":"Jones"},
             "emails":[{"primary":true,"value":"isabella@example.com","type":"work"}],
             "displayName":"Isabella Jones","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true}
            """);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await ScimTestHost.BodyAsync(created);
        var id = user["id"]!.GetValue<string>();
        Assert.Null(user["password"]);

        var put = await _host.Client.PutAsync($"Users/{id}", ScimTestHost.Json($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"{{id}}","userName":"isabella@example.com",
             "name":{"givenName":"Isabella","familyName":"Smith"},"emails":[{"primary":true,"value":"isabella@example.com","type":"work"}],
             "displayName":"Isabella Smith","active":true,"meta":{"resourceType":"User"} }
            """));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("Smith", (await ScimTestHost.BodyAsync(put))["name"]!["familyName"]!.GetValue<string>());

        using (var deactivate = new HttpRequestMessage(HttpMethod.Patch, $"Users/{id}")
        {
            Content = ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}"""),
        })
        {
            var response = await _host.Client.SendAsync(deactivate);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False((await ScimTestHost.BodyAsync(response))["active"]!.GetValue<bool>());
        }

        var group = await _host.PostAsync("Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}""");
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        var groupId = (await ScimTestHost.BodyAsync(group))["id"]!.GetValue<string>();

        using (var push = new HttpRequestMessage(HttpMethod.Patch, $"Groups/{groupId}")
        {
            Content = ScimTestHost.Json($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{id}}","display":"isabella@example.com"}]}]}"""),
        })
        {
            Assert.True((await _host.Client.SendAsync(push)).IsSuccessStatusCode);
        }

        var pushed = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Groups/{groupId}"));
        var member = Assert.Single(pushed["members"]!.AsArray())!;
        Assert.Equal("isabella@example.com", member["display"]!.GetValue<string>());

        using (var unassign = new HttpRequestMessage(HttpMethod.Patch, $"Groups/{groupId}")
        {
            Content = ScimTestHost.Json($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"{{id}}\"]"}]}"""),
        })
        {
            Assert.True((await _host.Client.SendAsync(unassign)).IsSuccessStatusCode);
        }

        var emptied = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Groups/{groupId}"));
        Assert.Null(emptied["members"]);
        var byName = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Groups?filter=" + Uri.EscapeDataString("displayName eq \"Test SCIMv2\"")));
        Assert.Equal(1, byName["totalResults"]!.GetValue<int>());
    }
}
