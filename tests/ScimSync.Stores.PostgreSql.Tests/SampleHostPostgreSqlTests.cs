// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using ScimSync.Filtering;

namespace ScimSync.Stores.PostgreSql.Tests;

/// <summary>The sample host with <c>ScimSync:PostgreSql</c> set provisions into PostgreSQL instead of its SQLite file.</summary>
public sealed class SampleHostPostgreSqlTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>, IDisposable
{
    private const string Token = "sample-postgres-token-0123456789";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("scimsync-sample-pg-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [PostgresFact]
    public async Task PostUser_WithPostgreSqlConfigured_LandsInTheDatabase()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ScimSync:Token", Token)
            .UseSetting("ScimSync:DataDirectory", _dataDirectory)
            .UseSetting("ScimSync:PostgreSql", database.ConnectionString));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/scim/default/v2/") });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        var created = await client.PostAsync("Users", new StringContent(
            """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"sample-on-postgres"}""", Encoding.UTF8, "application/scim+json"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await using var provider = database.CreateProvider();
        var found = await provider.GetUserStore("default").ListAsync(new ListQuery { Filter = ScimFilter.Parse("userName eq \"sample-on-postgres\"") }, default);
        Assert.Equal(1, found.Value!.TotalResults);
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "scimsync.db")));
    }
}
