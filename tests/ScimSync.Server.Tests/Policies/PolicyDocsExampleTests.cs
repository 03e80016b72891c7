// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimSync.Policies;

namespace ScimSync.Server.Tests.Policies;

/// <summary>The configuration examples of docs/policies.md, read from the file and run; the code example as written.</summary>
public sealed partial class PolicyDocsExampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-policy-docs-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ConfigurationExample_FromTheDocs_StartsAndMaps()
    {
        var token = ScimBearerToken.Generate();
        var json = FirstJsonBlockAfter("## Configuration").Replace("\"Sha256\": \"…\"", $"\"Sha256\": \"{token.Sha256}\"", StringComparison.Ordinal);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        builder.Services.AddScimProvisioning(scim => scim
            .BindConfiguration("ScimSync")
            .AddSqliteStore(o => o.DatabasePath = Path.Combine(_directory, "scim.db")));
        await using var app = builder.Build();
        app.MapScim("/scim");
        await app.StartAsync();
        using var client = app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/entra/v2/");
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.Token);

        var created = await client.PostAsync("Users", ScimTestHost.Json(PolicyTestSupport.EntraUser("Ann.Smith@Example.com", "ann")));
        var group = await ScimTestHost.BodyAsync(await client.PostAsync("Groups", ScimTestHost.Json(
            """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"AAD-Engineering"}""")));
        var user = await ScimTestHost.BodyAsync(created);
        await client.PatchAsync("Groups/" + group.Id(), ScimTestHost.Json($$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{user.Id()}}"}]}]}
            """));
        var read = await ScimTestHost.BodyAsync(await client.GetAsync("Users/" + user.Id()));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var provisioned = ProvisionedUser.Read(read);
        Assert.Equal("ann.smith", provisioned.UserName);
        Assert.Equal(["Engineering", "everyone", "jira-software-users"], provisioned.Memberships.Memberships.Select(m => m.Group).Order(StringComparer.Ordinal));
        Assert.Equal("entra", read[AttributeMappingOptions.DefaultCustomSchema]!["source"]!.GetValue<string>());
        Assert.Equal("Sales", read[AttributeMappingOptions.DefaultCustomSchema]!["department"]!.GetValue<string>());
    }

    [Fact]
    public void CodeExample_AsWritten_Configures()
    {
        var token = ScimBearerToken.Generate().Token;
        var services = new ServiceCollection();
        services.AddScimProvisioning(scim => scim
            .AddConnection("entra", c => c
                .UseBearerToken(token)
                .UsePolicies(p =>
                {
                    p.AttributeMapping.UserName = new AttributeSource { Paths = { "userName" }, Transforms = { AttributeTransform.LocalPart() } };
                    p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate;
                    p.GroupMapping.Mode = GroupMappingMode.Manual;
                    p.GroupMapping.Manual.Add(new ManualGroupMapping { Match = GroupMatchKind.ExternalId, Source = "0f3c…", Targets = { "jira-administrators" } });
                }))
            .AddSqliteStore(o => o.DatabasePath = Path.Combine(_directory, "code.db")));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ScimServerOptions>>().Value;

        var policies = options.Connections["entra"].Policies!;
        Assert.Equal(GroupMappingMode.Manual, policies.GroupMapping.Mode);
        Assert.Equal("jira-administrators", Assert.Single(Assert.Single(policies.GroupMapping.Manual).Targets));
    }

    private static string FirstJsonBlockAfter(string heading)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "docs", "policies.md")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var text = File.ReadAllText(Path.Combine(directory.FullName, "docs", "policies.md"));
        var start = text.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, heading);
        return JsonBlock().Match(text, start).Groups[1].Value;
    }

    [GeneratedRegex("```json\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
