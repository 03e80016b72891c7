// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ScimSync.Server.Tests;

/// <summary>Compiles and runs the host example of the repository README and of src/ScimSync.Server/README.md.</summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-readme-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task HostExample_AsWritten_ServesScim()
    {
        string[] args = [];
        var connectionString = $"Data Source={Path.Combine(_directory, "scimsync.db")}";

        var builder = WebApplication.CreateBuilder(args);

        // Test set-up: the token hash the README reads from configuration, and an in-memory server.
        var token = ScimBearerToken.Generate();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ScimSync:EntraTokenSha256"] = token.Sha256 });
        builder.WebHost.UseTestServer();

        // The README example from here on (its "Data Source=scimsync.db" is a temporary file here).
        builder.Services.AddScimProvisioning(scim => scim
            .AddConnection("entra", c => c
                .UseBearerTokenHash(builder.Configuration["ScimSync:EntraTokenSha256"]!)
                .UseIdentityProvider(IdentityProvider.EntraId))
            .UseSqliteStore(connectionString));

        var app = builder.Build();
        app.MapScim("/scim");

        // Instead of app.Run():
        await app.StartAsync();
        try
        {
            using var client = app.GetTestClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            var created = await client.PostAsync("/scim/entra/v2/Users", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"readme"}"""));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.True(File.Exists(Path.Combine(_directory, "scimsync.db")));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
