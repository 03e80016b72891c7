// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class BulkEndpointTests : IAsyncLifetime
{
    private const string BulkSchema = "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:BulkRequest\"]";
    private const string UserSchema = "\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"]";
    private const string GroupSchema = "\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"]";

    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync(o =>
    {
        o.Bulk.MaxOperations = 10;
        o.Bulk.MaxPayloadSize = 4096;
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Post_Rfc7644UserThenGroupExample_CreatesBothAndResolvesTheBulkId()
    {
        var response = await _host.PostAsync("Bulk", $$$"""
            {{{{BulkSchema}}},
             "Operations":[
               {"method":"POST","path":"/Users","bulkId":"qwerty","data":{{{{UserSchema}}},"userName":"Alice"}},
               {"method":"POST","path":"/Groups","bulkId":"ytrewq","data":{{{{GroupSchema}}},"displayName":"Tour Guides",
                 "members":[{"type":"User","value":"bulkId:qwerty"}]}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:BulkResponse", body["schemas"]![0]!.GetValue<string>());
        var operations = body["Operations"]!.AsArray();
        Assert.Equal(2, operations.Count);
        var user = operations[0]!;
        Assert.Equal("POST", user["method"]!.GetValue<string>());
        Assert.Equal("qwerty", user["bulkId"]!.GetValue<string>());
        Assert.Equal("201", user["status"]!.GetValue<string>());
        Assert.Equal("W/\"1\"", user["version"]!.GetValue<string>());
        Assert.Null(user["response"]);
        var userLocation = user["location"]!.GetValue<string>();
        Assert.StartsWith(ScimTestHost.BaseUrl + "/Users/", userLocation, StringComparison.Ordinal);
        var group = operations[1]!;
        Assert.Equal("201", group["status"]!.GetValue<string>());
        Assert.Equal("ytrewq", group["bulkId"]!.GetValue<string>());

        var stored = await ScimTestHost.BodyAsync(await _host.Client.GetAsync(group["location"]!.GetValue<string>()));
        Assert.Equal("Tour Guides", stored["displayName"]!.GetValue<string>());
        var member = Assert.Single(stored["members"]!.AsArray())!;
        Assert.Equal(userLocation[(userLocation.LastIndexOf('/') + 1)..], member["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_ForwardReference_RunsTheDefiningPostFirstAndAnswersInRequestOrder()
    {
        var body = await PostBulkAsync($$$"""
            {"method":"POST","path":"/Groups","bulkId":"g","data":{{{{GroupSchema}}},"displayName":"Early","members":[{"value":"bulkId:u"}]}},
            {"method":"POST","path":"/Users","bulkId":"u","data":{{{{UserSchema}}},"userName":"late"}}
            """);

        var operations = body["Operations"]!.AsArray();
        Assert.Equal(["g", "u"], operations.Select(o => o!["bulkId"]!.GetValue<string>()));
        Assert.All(operations, o => Assert.Equal("201", o!["status"]!.GetValue<string>()));
        var group = await ScimTestHost.BodyAsync(await _host.Client.GetAsync(operations[0]!["location"]!.GetValue<string>()));
        var userLocation = operations[1]!["location"]!.GetValue<string>();
        Assert.Equal(userLocation[(userLocation.LastIndexOf('/') + 1)..], Assert.Single(group["members"]!.AsArray())!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_BulkIdInPath_PatchesTheResourceCreatedEarlier()
    {
        var body = await PostBulkAsync($$$"""
            {"method":"POST","path":"/Users","bulkId":"u1","data":{{{{UserSchema}}},"userName":"carol"}},
            {"method":"PATCH","path":"/Users/bulkId:u1","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations":[{"op":"replace","path":"displayName","value":"Carol"}]}}
            """);

        var operations = body["Operations"]!.AsArray();
        Assert.Equal("200", operations[1]!["status"]!.GetValue<string>());
        Assert.Equal(operations[0]!["location"]!.GetValue<string>(), operations[1]!["location"]!.GetValue<string>());
        Assert.Equal("W/\"2\"", operations[1]!["version"]!.GetValue<string>());
        var user = await ScimTestHost.BodyAsync(await _host.Client.GetAsync(operations[0]!["location"]!.GetValue<string>()));
        Assert.Equal("Carol", user["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_CircularReferences_Answers409InvalidValueAndCreatesNothing()
    {
        var body = await PostBulkAsync($$$"""
            {"method":"POST","path":"/Groups","bulkId":"a","data":{{{{GroupSchema}}},"displayName":"A","members":[{"type":"Group","value":"bulkId:b"}]}},
            {"method":"POST","path":"/Groups","bulkId":"b","data":{{{{GroupSchema}}},"displayName":"B","members":[{"type":"Group","value":"bulkId:a"}]}},
            {"method":"POST","path":"/Users","bulkId":"c","data":{{{{UserSchema}}},"userName":"outside-the-cycle"}}
            """);

        var operations = body["Operations"]!.AsArray();
        foreach (var operation in operations.Take(2))
        {
            Assert.Equal("409", operation!["status"]!.GetValue<string>());
            Assert.Null(operation["location"]);
            var error = operation["response"]!;
            Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", error["schemas"]![0]!.GetValue<string>());
            Assert.Equal("409", error["status"]!.GetValue<string>());
            Assert.Equal("invalidValue", error["scimType"]!.GetValue<string>());
        }

        Assert.Equal("201", operations[2]!["status"]!.GetValue<string>());
        var groups = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Groups"));
        Assert.Equal(0, groups["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Post_ReferenceToUnknownOrFailedBulkId_Answers409()
    {
        var body = await PostBulkAsync($$$"""
            {"method":"POST","path":"/Groups","bulkId":"g1","data":{{{{GroupSchema}}},"displayName":"G1","members":[{"value":"bulkId:nobody"}]}},
            {"method":"POST","path":"/Users","bulkId":"bad","data":{{{{UserSchema}}}}},
            {"method":"POST","path":"/Groups","bulkId":"g2","data":{{{{GroupSchema}}},"displayName":"G2","members":[{"value":"bulkId:bad"}]}}
            """);

        var operations = body["Operations"]!.AsArray();
        Assert.Equal(["409", "400", "409"], operations.Select(o => o!["status"]!.GetValue<string>()));
        Assert.Contains("no POST operation", operations[0]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("did not succeed", operations[2]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BadOperationsAmongGoodOnes_ReportEachAndRunTheRest()
    {
        var body = await PostBulkAsync($$$"""
            {"method":"POST","path":"/Users","bulkId":"a","data":{{{{UserSchema}}},"userName":"first"}},
            {"method":"PATCH","path":"/Users/does-not-exist","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"x"}]}},
            {"method":"DELETE","path":"/Printers/1"},
            {"method":"GET","path":"/Users"},
            {"method":"POST","path":"/Users","data":{{{{UserSchema}}},"userName":"no-bulk-id"}},
            {"method":"PUT","path":"/Users/x","data":[1]},
            {"method":"POST","path":"/Users","bulkId":"dup","data":{{{{UserSchema}}},"userName":"first"}},
            {"method":"POST","path":"/Users","bulkId":"b","data":{{{{UserSchema}}},"userName":"second"}}
            """);

        var operations = body["Operations"]!.AsArray();
        Assert.Equal(
            ["201", "404", "404", "400", "400", "400", "409", "201"],
            operations.Select(o => o!["status"]!.GetValue<string>()));
        Assert.Equal(ScimTestHost.BaseUrl + "/Users/does-not-exist", operations[1]!["location"]!.GetValue<string>());
        Assert.Equal("GET", operations[3]!["method"]!.GetValue<string>());
        Assert.Equal("invalidSyntax", operations[5]!["response"]!["scimType"]!.GetValue<string>());
        Assert.Equal("uniqueness", operations[6]!["response"]!["scimType"]!.GetValue<string>());
        var users = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users"));
        Assert.Equal(2, users["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Post_FailOnErrors_StopsAfterThatManyErrors()
    {
        var body = await PostBulkAsync(
            $$$"""
            {"method":"POST","path":"/Users","bulkId":"ok","data":{{{{UserSchema}}},"userName":"kept"}},
            {"method":"DELETE","path":"/Users/missing-1"},
            {"method":"DELETE","path":"/Users/missing-2"},
            {"method":"POST","path":"/Users","bulkId":"never","data":{{{{UserSchema}}},"userName":"never-created"}}
            """,
            "\"failOnErrors\":2,");

        var operations = body["Operations"]!.AsArray();
        Assert.Equal(["201", "404", "404"], operations.Select(o => o!["status"]!.GetValue<string>()));
        var never = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"never-created\"")));
        Assert.Equal(0, never["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Post_PutPatchDeleteWithVersions_HonourIfMatchSemantics()
    {
        var user = await _host.CreateUserAsync("dave");
        var id = user["id"]!.GetValue<string>();

        var body = await PostBulkAsync($$$"""
            {"method":"PUT","path":"/Users/{{{id}}}","version":"W/\"1\"","data":{{{{UserSchema}}},"userName":"dave","displayName":"Dave"}},
            {"method":"PATCH","path":"/Users/{{{id}}}","version":"W/\"1\"","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"stale"}]}},
            {"method":"DELETE","path":"/Users/{{{id}}}","version":"W/\"2\""}
            """);

        var operations = body["Operations"]!.AsArray();
        Assert.Equal(["200", "412", "204"], operations.Select(o => o!["status"]!.GetValue<string>()));
        Assert.Equal("W/\"2\"", operations[0]!["version"]!.GetValue<string>());
        Assert.Equal(ScimTestHost.BaseUrl + "/Users/" + id, operations[2]!["location"]!.GetValue<string>());
        Assert.Null(operations[2]!["version"]);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync("Users/" + id)).StatusCode);
    }

    [Fact]
    public async Task Post_PatchFailingInItsSecondChange_LeavesTheResourceUnchanged()
    {
        var user = await _host.CreateUserAsync("erin", ",\"displayName\":\"Erin\"");
        var id = user["id"]!.GetValue<string>();

        var body = await PostBulkAsync($$$"""
            {"method":"PATCH","path":"/Users/{{{id}}}","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
              {"op":"replace","path":"displayName","value":"Changed"},
              {"op":"replace","path":"noSuchAttribute","value":"x"}]}}
            """);

        Assert.Equal("400", body["Operations"]![0]!["status"]!.GetValue<string>());
        var stored = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users/" + id));
        Assert.Equal("Erin", stored["displayName"]!.GetValue<string>());
        Assert.Equal("W/\"1\"", stored["meta"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_MoreOperationsThanMaxOperations_Answers413BeforeRunningAny()
    {
        var operations = string.Join(",", Enumerable.Range(0, 11).Select(i => $$$"""{"method":"DELETE","path":"/Users/u{{{i}}}"}"""));
        var response = await _host.PostAsync("Bulk", $$$"""{{{{BulkSchema}}},"Operations":[{"method":"POST","path":"/Users","bulkId":"x","data":{{{{UserSchema}}},"userName":"x"}},{{{operations}}}]}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = await ScimTestHost.BodyAsync(response);
        Assert.Equal("413", error["status"]!.GetValue<string>());
        Assert.Contains("maxOperations (10)", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var users = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users"));
        Assert.Equal(0, users["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Post_BodyLargerThanMaxPayloadSize_Answers413()
    {
        var padding = new string('x', 5000);
        var response = await _host.PostAsync("Bulk", $$$"""{{{{BulkSchema}}},"Operations":[{"method":"POST","path":"/Users","bulkId":"x","data":{{{{UserSchema}}},"userName":"{{{padding}}}"}}]}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("maxPayloadSize (4096 bytes)", (await ScimTestHost.BodyAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("""{"Operations":[]}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":{}}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":["DELETE"]}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":"1","Operations":[]}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":0,"Operations":[]}""")]
    public async Task Post_MalformedBulkRequest_Answers400InvalidSyntax(string json)
    {
        var response = await _host.PostAsync("Bulk", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidSyntax", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_DuplicateBulkId_Answers400AndRunsNothing()
    {
        var response = await _host.PostAsync("Bulk", $$$"""
            {{{{BulkSchema}}},"Operations":[
              {"method":"POST","path":"/Users","bulkId":"same","data":{{{{UserSchema}}},"userName":"one"}},
              {"method":"POST","path":"/Users","bulkId":"same","data":{{{{UserSchema}}},"userName":"two"}}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidValue", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
        Assert.Equal(0, (await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users")))["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Post_WrongMediaType_Answers415()
    {
        var response = await _host.Client.PostAsync("Bulk", ScimTestHost.Json($$$"""{{{{BulkSchema}}},"Operations":[]}""", "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Get_Bulk_Answers405()
    {
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _host.Client.GetAsync("Bulk")).StatusCode);
    }

    [Fact]
    public async Task Post_BulkDisabled_Answers501AndIsNotAdvertised()
    {
        await using var host = await ScimTestHost.StartAsync(o => o.Bulk.Enabled = false);

        var response = await host.PostAsync("Bulk", $$$"""{{{{BulkSchema}}},"Operations":[]}""");

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        var config = await ScimTestHost.BodyAsync(await host.Client.GetAsync("ServiceProviderConfig"));
        Assert.False(config["bulk"]!["supported"]!.GetValue<bool>());
    }

    [Fact]
    public async Task GetServiceProviderConfig_AdvertisesBulkLimits()
    {
        var config = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("ServiceProviderConfig"));

        var bulk = config["bulk"]!;
        Assert.True(bulk["supported"]!.GetValue<bool>());
        Assert.Equal(10, bulk["maxOperations"]!.GetValue<int>());
        Assert.Equal(4096, bulk["maxPayloadSize"]!.GetValue<int>());
    }

    private async Task<JsonObject> PostBulkAsync(string operations, string extra = "")
    {
        var response = await _host.PostAsync("Bulk", $$$"""{{{{BulkSchema}}},{{{extra}}}"Operations":[{{{operations}}}]}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ScimTestHost.BodyAsync(response);
    }
}
