// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class DiscoveryEndpointsTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync(o => o.MaxResults = 42);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetServiceProviderConfig_ReflectsOptions()
    {
        var response = await _host.Client.GetAsync("ServiceProviderConfig");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig", body["schemas"]![0]!.GetValue<string>());
        Assert.True(body["patch"]!["supported"]!.GetValue<bool>());
        Assert.True(body["bulk"]!["supported"]!.GetValue<bool>());
        Assert.Equal(1000, body["bulk"]!["maxOperations"]!.GetValue<int>());
        Assert.Equal(1024 * 1024, body["bulk"]!["maxPayloadSize"]!.GetValue<int>());
        Assert.Equal(42, body["pagination"]!["defaultPageSize"]!.GetValue<int>());
        Assert.Equal(42, body["filter"]!["maxResults"]!.GetValue<int>());
        Assert.True(body["etag"]!["supported"]!.GetValue<bool>());
        Assert.Equal("oauthbearertoken", body["authenticationSchemes"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetResourceTypes_ListsUserAndGroup()
    {
        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("ResourceTypes"));

        Assert.Equal(2, body["totalResults"]!.GetValue<int>());
        var names = body["Resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["User", "Group"], names);
        var user = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("ResourceTypes/User"));
        Assert.Equal("/Users", user["endpoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetSchemas_ListsCoreAndEnterpriseSchemas()
    {
        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Schemas"));
        var ids = body["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();

        Assert.Contains("urn:ietf:params:scim:schemas:core:2.0:User", ids);
        Assert.Contains("urn:ietf:params:scim:schemas:core:2.0:Group", ids);
        Assert.Contains("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", ids);
        var user = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Schemas/urn:ietf:params:scim:schemas:core:2.0:User"));
        Assert.Contains(user["attributes"]!.AsArray(), a => a!["name"]!.GetValue<string>() == "userName");
    }

    [Fact]
    public async Task GetUnknownSchemaOrResourceType_Returns404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync("Schemas/urn:nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync("ResourceTypes/Printer")).StatusCode);
    }

    [Fact]
    public async Task GetMe_Returns501ScimError()
    {
        var response = await _host.Client.GetAsync("Me");

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal("501", (await ScimTestHost.BodyAsync(response))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUnknownPath_Returns404ScimError()
    {
        var response = await _host.Client.GetAsync("Printers/1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404", (await ScimTestHost.BodyAsync(response))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnsupportedMethodOnCollection_ReturnsScimErrorBody()
    {
        var response = await _host.Client.PutAsync("Users", ScimTestHost.Json("{}"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("405", (await ScimTestHost.BodyAsync(response))["status"]!.GetValue<string>());
    }
}
