// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Robustness;

/// <summary><c>ScimServerOptions.MaxMembersPerRequest</c>: 400 <c>tooMany</c>, nothing written.</summary>
public sealed class MemberLimitTests
{
    private static string Members(params string[] ids) => string.Join(",", ids.Select(id => $$"""{"value":"{{id}}"}"""));

    [Fact]
    public async Task GroupRequests_OverTheLimit_AreTooMany_AndChangeNothing()
    {
        await using var host = await ScimTestHost.StartAsync(o => o.MaxMembersPerRequest = 2);
        var a = (await host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var b = (await host.CreateUserAsync("b"))["id"]!.GetValue<string>();
        var c = (await host.CreateUserAsync("c"))["id"]!.GetValue<string>();
        var group = await host.CreateGroupAsync("g", a);
        var id = group["id"]!.GetValue<string>();

        var create = await host.PostAsync("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"big","members":[{{Members(a, b, c)}}]}""");
        var put = await host.Client.PutAsync("Groups/" + id, ScimTestHost.Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":[{{Members(a, b, c)}}]}"""));
        var patch = await host.Client.PatchAsync("Groups/" + id, ScimTestHost.Json($$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
              {"op":"add","path":"members","value":[{{{Members(b)}}}]},
              {"op":"add","value":{"members":[{{{Members(c, a)}}}]} }]}
            """));
        var allowed = await host.Client.PatchAsync("Groups/" + id, ScimTestHost.Json($$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{{Members(b, c)}}]}]}
            """));

        foreach (var response in new[] { create, put, patch })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("tooMany", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
        }

        Assert.True(allowed.IsSuccessStatusCode);
        var groups = await ScimTestHost.BodyAsync(await host.Client.GetAsync("Groups?filter=displayName%20eq%20%22big%22"));
        Assert.Equal(0, groups["totalResults"]!.GetValue<int>());
        Assert.Equal(3, (await ScimTestHost.BodyAsync(await host.Client.GetAsync("Groups/" + id)))["members"]!.AsArray().Count);
    }

    [Fact]
    public async Task Users_AreNotCounted()
    {
        await using var host = await ScimTestHost.StartAsync(o => o.MaxMembersPerRequest = 1);

        var user = await host.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","emails":[{"value":"a@example.com"},{"value":"b@example.com"}]}""");

        Assert.Equal(HttpStatusCode.Created, user.StatusCode);
    }
}
