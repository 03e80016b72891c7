// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ScimSync.Server.Tests.Policies;

/// <summary>Policies bound from configuration, and refused at start when invalid.</summary>
public sealed class PolicyConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-policies-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings, string directory)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddScimProvisioning(scim => scim
            .BindConfiguration("ScimSync")
            .AddSqliteStore(o => o.DatabasePath = Path.Combine(directory, "scim.db")));
        var app = builder.Build();
        app.MapScim("/scim");
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task Policies_FromConfiguration_Apply()
    {
        var directory = _directory;
        await using var app = await StartAsync(new()
        {
            ["ScimSync:Connections:entra:Tokens:0:Value"] = ScimTestHost.Token,
            ["ScimSync:Connections:entra:Policies:AttributeMapping:UserName:Paths:0"] = "userName",
            ["ScimSync:Connections:entra:Policies:AttributeMapping:UserName:Transforms:0:Kind"] = "LocalPart",
            ["ScimSync:Connections:entra:Policies:Lifecycle:OnDelete"] = "Deactivate",
            ["ScimSync:Connections:entra:Policies:GroupMapping:DefaultGroupsForNewUsers:0"] = "app-users",
        }, directory);
        using var client = app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/entra/v2/");
        client.DefaultRequestHeaders.Authorization = new("Bearer", ScimTestHost.Token);

        var created = await client.PostAsync("Users", ScimTestHost.Json(PolicyTestSupport.EntraUser("ann@example.com", "ann")));
        var user = await ScimTestHost.BodyAsync(created);
        var deleted = await client.DeleteAsync("Users/" + user.Id());
        var kept = await client.GetAsync("Users/" + user.Id());

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var provisioned = ScimSync.Policies.ProvisionedUser.Read(user);
        Assert.Equal("ann", provisioned.UserName);
        Assert.Equal("app-users", Assert.Single(provisioned.Memberships.Memberships).Group);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Fact]
    public async Task InvalidPolicies_FailTheStart_ListingEveryProblem()
    {
        var directory = _directory;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new()
        {
            ["ScimSync:Connections:entra:Tokens:0:Value"] = ScimTestHost.Token,
            ["ScimSync:Connections:entra:Policies:AttributeMapping:Email:Paths:0"] = "emails[type eq",
            ["ScimSync:Connections:entra:Policies:GroupMapping:Mode"] = "OnTheFly",
            ["ScimSync:Connections:entra:Policies:GroupMapping:Include:0"] = "(",
            ["ScimSync:Connections:entra:Policies:Lifecycle:MatchBy:0"] = "not a path!",
        }, directory));

        Assert.Contains("AttributeMapping", error.Message, StringComparison.Ordinal);
        Assert.Contains("GroupMapping", error.Message, StringComparison.Ordinal);
        Assert.Contains("Lifecycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Precedence_FromConfiguration_Binds()
    {
        var directory = _directory;
        await using var app = await StartAsync(new()
        {
            ["ScimSync:Connections:entra:Tokens:0:Value"] = ScimTestHost.Token,
            ["ScimSync:Connections:entra:Policies:AttributeMapping:Precedence"] = "5",
            ["ScimSync:Connections:entra:Policies:AttributeMapping:AttributePrecedence:email"] = "10",
            ["ScimSync:Connections:entra:Policies:AttributeMapping:CustomAttributes:department:Constant"] = "Sales",
            ["ScimSync:Connections:entra:Policies:AttributeMapping:AttributePrecedence:Department"] = "20",
        }, directory);

        var mapping = app.Services.GetRequiredService<IOptionsMonitor<ScimServerOptions>>().CurrentValue.Connections["entra"].Policies!.AttributeMapping;
        var policy = new ScimSync.Policies.AttributeMappingPolicy(mapping);

        Assert.Equal(5, policy.PrecedenceOf("userName"));
        Assert.Equal(10, policy.PrecedenceOf("Email"));
        Assert.Equal(20, policy.PrecedenceOf("department"));
    }

    [Fact]
    public async Task Precedence_OfAnUnknownAttribute_FailsTheStart()
    {
        var directory = _directory;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new()
        {
            ["ScimSync:Connections:entra:Tokens:0:Value"] = ScimTestHost.Token,
            ["ScimSync:Connections:entra:Policies:AttributeMapping:AttributePrecedence:title"] = "10",
        }, directory));

        Assert.Contains("AttributeMapping:AttributePrecedence:title", error.Message, StringComparison.Ordinal);
    }
}
