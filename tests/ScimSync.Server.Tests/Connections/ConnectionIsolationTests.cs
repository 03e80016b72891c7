// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;

namespace ScimSync.Server.Tests.Connections;

/// <summary>
/// A connection with a directory of its own cannot see or touch another connection's users and groups through any
/// endpoint: their ids answer 404 (never 403, which would confirm that they exist).
/// </summary>
public sealed class ConnectionIsolationTests
{
    private const string OtherToken = "other-token-0123456789abcdef";

    private static async Task<(ScimTestHost Host, HttpClient Other, string UserId, string GroupId)> StartAsync()
    {
        var host = await ScimTestHost.StartAsync(scim: s => s.AddConnection("other", c => c.UseBearerToken(OtherToken)));
        var user = await host.CreateUserAsync("ann");
        var userId = user["id"]!.GetValue<string>();
        var group = await host.CreateGroupAsync("admins", userId);
        var other = host.CreateClient();
        other.BaseAddress = new Uri("http://localhost/scim/other/v2/");
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OtherToken);
        return (host, other, userId, group["id"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string?> Requests => new()
    {
        { "GET", "Users/{user}", null },
        { "PUT", "Users/{user}", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ann"}""" },
        { "PATCH", "Users/{user}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""" },
        { "DELETE", "Users/{user}", null },
        { "GET", "Groups/{group}", null },
        { "PUT", "Groups/{group}", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"admins"}""" },
        { "PATCH", "Groups/{group}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}]}""" },
        { "DELETE", "Groups/{group}", null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task AnotherConnectionsIds_Are404_AndUntouched(string method, string path, string? body)
    {
        var (host, other, userId, groupId) = await StartAsync();
        await using (host)
        using (other)
        {
            var before = await (await host.Client.GetAsync("Groups/" + groupId)).Content.ReadAsStringAsync();
            using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{user}", userId, StringComparison.Ordinal).Replace("{group}", groupId, StringComparison.Ordinal));
            if (body is not null)
            {
                request.Content = ScimTestHost.Json(body);
            }

            var response = await other.SendAsync(request);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(before, await (await host.Client.GetAsync("Groups/" + groupId)).Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("Users/" + userId)).StatusCode);
        }
    }

    [Fact]
    public async Task ListsSearchesBulkAndMemberships_StayWithinTheDirectory()
    {
        var (host, other, userId, groupId) = await StartAsync();
        await using (host)
        using (other)
        {
            var list = await ScimTestHost.BodyAsync(await other.GetAsync("Users?filter=userName%20eq%20%22ann%22"));
            var search = await ScimTestHost.BodyAsync(await other.PostAsync(".search", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}""")));
            var bulk = await ScimTestHost.BodyAsync(await other.PostAsync("Bulk", ScimTestHost.Json($$"""
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"DELETE","path":"/Users/{{userId}}"}]}
                """)));
            var ownGroup = await other.PostAsync("Groups", ScimTestHost.Json($$"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"mine","members":[{"value":"{{userId}}"}]}
                """));

            Assert.Equal(0, list["totalResults"]!.GetValue<int>());
            Assert.Equal(0, search["totalResults"]!.GetValue<int>());
            Assert.Equal("404", bulk["Operations"]![0]!["status"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.BadRequest, ownGroup.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("Users/" + userId)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("Groups/" + groupId)).StatusCode);
        }
    }
}
