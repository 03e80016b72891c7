// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Samples.EfCore.Data;

namespace ScimSync.Samples.EfCore.Tests;

/// <summary>The sample host as an identity provider sees it: its Program registration, over HTTP.</summary>
public sealed class SampleHostTests : IAsyncLifetime
{
    private const string Token = "sample-test-token";
    private readonly string _path = TestDatabase.NewPath();
    private WebApplicationFactory<Program>? _factory;
    private HttpClient? _client;

    private HttpClient Client => _client!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:App", $"Data Source={_path};Pooling=False")
            .UseSetting("ScimSync:Token", Token));
        _client = _factory.CreateClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        TestDatabase.DeleteFiles(_path);
    }

    [Fact]
    public async Task PostUser_ThenFilterByWorkEmail_FindsTheEmployeeRow()
    {
        var created = await SendAsync(HttpMethod.Post, "Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen@example.com","externalId":"e-1",
             "name":{"givenName":"Barbara","familyName":"Jensen"},"nickName":"Babs",
             "emails":[{"value":"bjensen@work.example","type":"work","primary":true}],"active":true}
            """);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created.Body!["id"]!.GetValue<string>();
        Assert.StartsWith("emp-", id, StringComparison.Ordinal);
        Assert.Null(created.Body["nickName"]);

        var filter = Uri.EscapeDataString("emails[type eq \"work\"].value eq \"BJENSEN@work.example\"");
        var found = await SendAsync(HttpMethod.Get, $"Users?filter={filter}", null);

        Assert.Equal(HttpStatusCode.OK, found.Status);
        Assert.Equal(1, found.Body!["totalResults"]!.GetValue<int>());
        Assert.Equal(id, found.Body["Resources"]![0]!["id"]!.GetValue<string>());
        using var scope = _factory!.Services.CreateScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var row = await db.Employees.SingleAsync();
        Assert.Equal(("bjensen@example.com", "Barbara", "e-1"), (row.Login, row.FirstName, row.ExternalRef));
    }

    [Fact]
    public async Task PatchGroupMembers_ThenStalePut_AddsMembershipAndAnswers412()
    {
        var user = await SendAsync(HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"member"}""");
        var userId = user.Body!["id"]!.GetValue<string>();
        var group = await SendAsync(HttpMethod.Post, "Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Tour Guides"}""");
        var groupId = group.Body!["id"]!.GetValue<string>();
        var staleETag = group.ETag!;

        var patch = await SendAsync(HttpMethod.Patch, $"Groups/{groupId}", $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"add","path":"members","value":[{"value":"{{userId}}"}]}]}
            """);
        var read = await SendAsync(HttpMethod.Get, $"Groups/{groupId}", null);
        var stale = await SendAsync(HttpMethod.Put, $"Groups/{groupId}", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Renamed"}""", staleETag);

        Assert.True(patch.Status is HttpStatusCode.NoContent or HttpStatusCode.OK, patch.Status.ToString());
        Assert.Equal(userId, read.Body!["members"]![0]!["value"]!.GetValue<string>());
        Assert.NotEqual(staleETag, read.ETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
    }

    private async Task<(HttpStatusCode Status, JsonObject? Body, string? ETag)> SendAsync(HttpMethod method, string path, string? body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, $"/scim/default/v2/{path}");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/scim+json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject, response.Headers.ETag?.ToString());
    }
}
