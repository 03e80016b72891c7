// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Robustness;

/// <summary>No readOnly attribute (id, meta, a User's groups) can be written through POST, PUT, PATCH or Bulk.</summary>
public sealed class ReadOnlyAttributeTests
{
    [Theory]
    [InlineData("id", "\"forged\"")]
    [InlineData("meta.created", "\"2001-01-01T00:00:00Z\"")]
    [InlineData("groups", "[{\"value\":\"forged\"}]")]
    public async Task Patch_OfAReadOnlyAttribute_IsRefused(string path, string value)
    {
        await using var host = await ScimTestHost.StartAsync();
        var user = await host.CreateUserAsync("ann");
        var id = user["id"]!.GetValue<string>();

        var response = await host.Client.PatchAsync("Users/" + id, ScimTestHost.Json($$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"{{path}}","value":{{value}}}]}
            """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var after = await ScimTestHost.BodyAsync(await host.Client.GetAsync("Users/" + id));
        Assert.Equal(user["meta"]!.ToJsonString(), after["meta"]!.ToJsonString());
        Assert.Null(after["groups"]);
    }

    [Fact]
    public async Task PostPutAndBulk_IgnoreReadOnlyAttributes()
    {
        await using var host = await ScimTestHost.StartAsync();
        const string forged = ""","id":"forged","meta":{"created":"2001-01-01T00:00:00Z","version":"W/\"99\""},"groups":[{"value":"forged"}]""";

        var created = await host.CreateUserAsync("ann", forged);
        var id = created["id"]!.GetValue<string>();
        var put = await host.Client.PutAsync("Users/" + id, ScimTestHost.Json(
            $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ann"{{forged}}}"""));
        var bulk = await host.PostAsync("Bulk", $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
              {"method":"PUT","path":"/Users/{{{id}}}","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ann"{{{forged}}} } }]}
            """);
        var read = await ScimTestHost.BodyAsync(await host.Client.GetAsync("Users/" + id));

        Assert.NotEqual("forged", id);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        Assert.Equal(id, read["id"]!.GetValue<string>());
        Assert.NotEqual("2001-01-01T00:00:00Z", read["meta"]!["created"]!.GetValue<string>());
        Assert.Null(read["groups"]);
        Assert.Equal(404, (int)(await host.Client.GetAsync("Users/forged")).StatusCode);
    }
}
