// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScimSync.Server.Tests.Docs;

/// <summary>
/// The host code of docs/identity-providers/entra-id.md and docs/operations.md (regions copied into the docs, checked
/// by <see cref="DocsSnippetTests"/>), run against the requests those docs say the providers send.
/// </summary>
public sealed class IdentityProviderDocsTests : IDisposable
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string PatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-idp-docs-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task EntraConnection_EntraRequestSequence_Succeeds()
    {
        var token = ScimBearerToken.Generate();
        var builder = TestBuilder(new() { ["ScimSync:EntraTokenSha256"] = token.Sha256 });
        var databasePath = Path.Combine(_directory, "scimsync.db");

        #region entra-connection
        builder.Services.AddScimProvisioning(scim => scim
            .AddConnection("entra", c => c
                .UseBearerTokenHash(builder.Configuration["ScimSync:EntraTokenSha256"]!)
                .UseIdentityProvider(IdentityProvider.EntraId))
            .AddSqliteStore(o => o.DatabasePath = databasePath));

        var app = builder.Build();
        app.MapScim("/scim");   // Tenant URL: https://your-host/scim/entra/v2
        #endregion

        await using var _ = app;
        await app.StartAsync();
        using var client = Client(app, "/scim/entra/v2/", token.Token);

        // Test Connection: a lookup of a user that does not exist, answered 200 with an empty ListResponse.
        var probe = await Body(await client.GetAsync($"Users?filter=userName eq \"{Guid.NewGuid()}\""));
        Assert.Equal(0, probe["totalResults"]!.GetValue<int>());

        // Create, as Entra ID sends it (roles: [], meta.resourceType).
        var created = await client.PostAsync("Users", ScimTestHost.Json($$"""
            {"schemas":["{{UserSchema}}","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "externalId":"0a21f0f2","userName":"Test_User@contoso.com","active":true,
             "emails":[{"primary":true,"type":"work","value":"Test_User@contoso.com"}],
             "meta":{"resourceType":"User"},"name":{"formatted":"Ann Smith","familyName":"Smith","givenName":"Ann"},"roles":[]}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var userId = (await Body(created))["id"]!.GetValue<string>();

        var found = await Body(await client.GetAsync("Users?filter=userName eq \"Test_User@contoso.com\""));
        Assert.Equal(1, found["totalResults"]!.GetValue<int>());

        // Capitalised ops, a value filter on emails, and the string "False".
        var patched = await client.PatchAsync("Users/" + userId, ScimTestHost.Json($$"""
            {"schemas":["{{PatchSchema}}"],"Operations":[
              {"op":"Replace","path":"emails[type eq \"work\"].value","value":"ann@contoso.com"},
              {"op":"Replace","path":"name.familyName","value":"Jones"},
              {"op":"Replace","path":"active","value":"False"}]}
            """));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var user = await Body(patched);
        Assert.False(user["active"]!.GetValue<bool>());
        Assert.Equal("ann@contoso.com", user["emails"]![0]!["value"]!.GetValue<string>());

        // Groups: created without members, members added and removed by PATCH.
        var group = await client.PostAsync("Groups", ScimTestHost.Json("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
             "externalId":"8aa1a0c0","displayName":"Sales","meta":{"resourceType":"Group"}}
            """));
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        var groupId = (await Body(group))["id"]!.GetValue<string>();
        var byName = await Body(await client.GetAsync("Groups?excludedAttributes=members&filter=displayName eq \"Sales\""));
        Assert.Equal(1, byName["totalResults"]!.GetValue<int>());

        var added = await client.PatchAsync("Groups/" + groupId, ScimTestHost.Json($$"""
            {"schemas":["{{PatchSchema}}"],"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"{{userId}}"}]}]}
            """));
        Assert.Equal(HttpStatusCode.NoContent, added.StatusCode);
        Assert.Single((await Body(await client.GetAsync("Groups/" + groupId)))["members"]!.AsArray());

        var removed = await client.PatchAsync("Groups/" + groupId, ScimTestHost.Json($$"""
            {"schemas":["{{PatchSchema}}"],"Operations":[{"op":"Remove","path":"members","value":[{"value":"{{userId}}"}]}]}
            """));
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var members = (await Body(await client.GetAsync("Groups/" + groupId)))["members"];
        Assert.True(members is null || members.AsArray().Count == 0);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Users/" + userId)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("Users/" + userId)).StatusCode);
    }

    [Fact]
    public async Task StrictConnection_BooleanString_IsInvalidSyntax()
    {
        var token = ScimBearerToken.Generate().Token;
        var builder = TestBuilder([]);
        var databasePath = Path.Combine(_directory, "strict.db");

        #region strict-connection
        builder.Services.AddScimProvisioning(scim => scim
            .AddConnection("conformance", c => c
                .UseBearerToken(token)
                .UseCompatibility(ScimCompatibility.Strict))   // RFC 7644 only: no provider tolerances
            .AddSqliteStore(o => o.DatabasePath = databasePath));
        #endregion

        await using var app = builder.Build();
        app.MapScim("/scim");
        await app.StartAsync();
        using var client = Client(app, "/scim/conformance/v2/", token);
        var userId = (await Body(await client.PostAsync("Users", ScimTestHost.Json($$"""{"schemas":["{{UserSchema}}"],"userName":"strict"}"""))))["id"]!.GetValue<string>();

        var response = await client.PatchAsync("Users/" + userId, ScimTestHost.Json($$"""
            {"schemas":["{{PatchSchema}}"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}
            """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidSyntax", (await Body(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task OperationsHost_TwoTokensAndHealthCheck_BothTokensWorkAndHealthy()
    {
        var current = ScimBearerToken.Generate();
        var next = ScimBearerToken.Generate();
        var builder = TestBuilder([]);
        var databasePath = Path.Combine(_directory, "ops.db");

        #region token-rotation
        // While rotating, the connection accepts both tokens; the old one stops working after its expiry
        // and is reported (log event 7, health Degraded) from TokenExpiryWarning (14 days) before.
        var oldTokenExpires = TimeProvider.System.GetUtcNow().AddDays(30);
        builder.Services.AddScimProvisioning(scim => scim
            .AddConnection("entra", c => c
                .UseBearerTokenHash(current.Sha256, expiresAt: oldTokenExpires, name: "2026-11")
                .UseBearerTokenHash(next.Sha256, name: "2027-05"))
            .AddSqliteStore(o => o.DatabasePath = databasePath));
        #endregion

        #region health-check
        builder.Services.AddHealthChecks().AddScimStores(tags: ["ready"]);

        var app = builder.Build();
        app.MapScim("/scim");
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        #endregion

        await using var _ = app;
        await app.StartAsync();
        using var oldClient = Client(app, "/scim/entra/v2/", current.Token);
        using var newClient = Client(app, "/scim/entra/v2/", next.Token);

        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("Users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newClient.GetAsync("Users")).StatusCode);
        var health = await newClient.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    private static WebApplicationBuilder TestBuilder(Dictionary<string, string?> configuration)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(configuration);
        return builder;
    }

    private static HttpClient Client(WebApplication app, string basePath, string token)
    {
        var client = app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost" + basePath);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<JsonObject> Body(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
}
