// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Products;
using ScimSync.Server;

namespace ScimSync.Atlassian.Tests.Docs;

/// <summary>The example of src/ScimSync.Atlassian/README.md compiles, runs against the emulated Jira, and is the README's copy.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task ReadmeExample_ProvisionsIntoJira()
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        emulator.Jira.PersonalAccessTokens.Add("jira-pat");
        var dataDirectory = Directory.CreateTempSubdirectory("scimsync-atlassian-readme-").FullName;
        var token = "readme-token-0123456789abcdef";
        var jiraToken = "jira-pat";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration[AtlassianScimProvisioningBuilderExtensions.StateDirectoryKey] = dataDirectory;

        #region readme
        builder.Services.AddScimProvisioning(scim => scim
            .AddConnection("entra", c => c.UseBearerToken(token).UseIdentityProvider(IdentityProvider.EntraId).UseDirectory("atlassian"))
            .AddSqliteStore(o => o.DatabasePath = Path.Combine(dataDirectory, "scimsync.db"))
            .AddAtlassianTarget("jira", o =>
            {
                o.Product = AtlassianProduct.Jira;
                o.BaseAddress = new Uri("https://jira.example.com/");
                o.PersonalAccessToken = jiraToken;
                o.Directory = "atlassian";
                o.DefaultGroups.Add("jira-software-users");
                o.DefaultProjectLead = "admin";
            }));
        #endregion

        // Test set-up: the example's Jira is the emulated one.
        builder.Services.PostConfigure<AtlassianTargetOptions>("jira", o => o.BaseAddress = emulator.Jira.BaseAddress);
        var app = builder.Build();
        app.MapScim("/scim");
        await app.StartAsync();
        try
        {
            var client = app.GetTestClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var created = await client.PostAsync("/scim/entra/v2/Users", new StringContent(
                """{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "readme@example.com", "displayName": "Read Me" }""",
                Encoding.UTF8,
                "application/scim+json"));

            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("Read Me", emulator.Jira.FindUser("readme@example.com")!.DisplayName);
            Assert.Contains("jira-software-users", emulator.Jira.GroupsOf("readme@example.com"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public void Readme_ShowsTheCompiledExample()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ScimSync.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar))!;
        }

        var source = File.ReadAllLines(Path.Combine(root, "tests", "ScimSync.Atlassian.Tests", "Docs", "ReadmeExampleTests.cs"));
        var start = Array.FindIndex(source, l => l.Trim() == "#region readme");
        var end = Array.FindIndex(source, start, l => l.Trim() == "#endregion");
        var region = source[(start + 1)..end];
        var indent = region.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        var expected = string.Join('\n', region.Select(l => l.Length >= indent ? l[indent..] : l.Trim()));

        var readme = File.ReadAllText(Path.Combine(root, "src", "ScimSync.Atlassian", "README.md")).ReplaceLineEndings("\n");
        Assert.Contains("```csharp\n" + expected + "\n```", readme, StringComparison.Ordinal);
    }
}
