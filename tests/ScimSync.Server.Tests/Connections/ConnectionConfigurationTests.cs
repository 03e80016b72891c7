// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ScimSync.Server.Tests.Connections;

/// <summary>Connections bound from configuration (appsettings.json, environment variables).</summary>
public sealed class ConnectionConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-config-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task BindConfiguration_ConnectionsSection_ServesEachConnection()
    {
        var entra = ScimBearerToken.Generate();
        await using var app = Build(new Dictionary<string, string?>
        {
            ["ScimSync:MaxResults"] = "50",
            ["ScimSync:Connections:entra:IdentityProvider"] = "EntraId",
            ["ScimSync:Connections:entra:Directory"] = "people",
            ["ScimSync:Connections:entra:Tokens:0:Name"] = "2026-11",
            ["ScimSync:Connections:entra:Tokens:0:Sha256"] = entra.Sha256,
            ["ScimSync:Connections:entra:Tokens:0:ExpiresAt"] = "2099-01-01T00:00:00Z",
            ["ScimSync:Connections:okta:Directory"] = "people",
            ["ScimSync:Connections:okta:Tokens:0:Value"] = "okta-token-0123456789abcdef",
        });
        await app.StartAsync();
        using var entraClient = Client(app, "entra", entra.Token);
        using var oktaClient = Client(app, "okta", "okta-token-0123456789abcdef");

        var created = await entraClient.PostAsync("Users", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"shared"}"""));
        var seenByOkta = await ScimTestHost.BodyAsync(await oktaClient.GetAsync("Users?filter=userName%20eq%20%22shared%22"));
        var config = await ScimTestHost.BodyAsync(await entraClient.GetAsync("ServiceProviderConfig"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1, seenByOkta["totalResults"]!.GetValue<int>());
        Assert.Equal(50, config["filter"]!["maxResults"]!.GetValue<int>());
        var tokens = app.Services.GetRequiredService<IScimTokenActivity>().GetTokens();
        Assert.Contains(tokens, t => t is { Connection: "entra", Name: "2026-11" } && t.ExpiresAt == new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task BindConfiguration_TokenWithValueAndHash_FailsStartNamingIt()
    {
        await using var app = Build(new Dictionary<string, string?>
        {
            ["ScimSync:Connections:entra:Tokens:0:Value"] = "entra-token-0123456789abcdef",
            ["ScimSync:Connections:entra:Tokens:0:Sha256"] = new string('a', 64),
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("Connections[\"entra\"].Tokens[0]: set exactly one of Value and Sha256", StringComparison.Ordinal));
    }

    private WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddScimProvisioning(scim => scim
            .BindConfiguration("ScimSync")
            .AddSqliteStore(o => o.DatabasePath = Path.Combine(_directory, "scim.db")));
        var app = builder.Build();
        app.MapScim();
        return app;
    }

    private static HttpClient Client(WebApplication app, string connection, string token)
    {
        var client = app.GetTestClient();
        client.BaseAddress = new Uri($"http://localhost/scim/{connection}/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
