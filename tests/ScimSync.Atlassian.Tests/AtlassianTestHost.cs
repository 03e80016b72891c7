// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimSync.Atlassian.Internal;
using ScimSync.Atlassian.Products;
using ScimSync.Atlassian.State;
using ScimSync.Server;

namespace ScimSync.Atlassian.Tests;

/// <summary>
/// A SCIM server (connection "entra" into directory "atlassian", SQLite store) with Atlassian targets, on a
/// TestServer, state in a fresh temporary directory.
/// </summary>
public sealed class AtlassianTestHost : IAsyncDisposable
{
    public const string Token = "entra-token-0123456789abcdef";

    private readonly WebApplication _app;
    private readonly bool _ownsDirectory;

    private AtlassianTestHost(WebApplication app, string directory, bool ownsDirectory)
    {
        _app = app;
        _ownsDirectory = ownsDirectory;
        DataDirectory = directory;
        Client = app.GetTestClient();
        Client.BaseAddress = new Uri("http://localhost/scim/entra/v2/");
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public string DataDirectory { get; }

    public AtlassianReconciler Reconciler => Services.GetRequiredService<AtlassianReconciler>();

    public IAtlassianTargetState State => Services.GetRequiredService<IAtlassianTargetState>();

    /// <summary>Starts a host whose targets use the given clients (by target name) instead of HTTP ones.</summary>
    public static Task<AtlassianTestHost> StartAsync(
        IReadOnlyDictionary<string, AtlassianProductClient> clients,
        Action<ScimProvisioningBuilder> targets,
        string? directory = null) =>
        StartCoreAsync(targets, directory, services => services.AddSingleton<AtlassianClientFactory>((target, _) => clients[target]));

    /// <summary>Starts a host whose targets talk HTTP (to the emulator).</summary>
    public static Task<AtlassianTestHost> StartAsync(Action<ScimProvisioningBuilder> targets, string? directory = null) =>
        StartCoreAsync(targets, directory, null);

    private static async Task<AtlassianTestHost> StartCoreAsync(Action<ScimProvisioningBuilder> targets, string? directory, Action<IServiceCollection>? services)
    {
        var ownsDirectory = directory is null;
        directory ??= Directory.CreateTempSubdirectory("scimsync-atlassian-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration[AtlassianScimProvisioningBuilderExtensions.StateDirectoryKey] = directory;
        builder.Services.AddScimProvisioning(scim =>
        {
            scim.AddConnection("entra", c => c.UseBearerToken(Token).UseIdentityProvider(IdentityProvider.EntraId).UseDirectory("atlassian"))
                .AddSqliteStore(o => o.DatabasePath = Path.Combine(directory, "scim.db"));
            targets(scim);
        });
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapScim("/scim");
        await app.StartAsync();
        return new AtlassianTestHost(app, directory, ownsDirectory);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/scim+json");

    public static async Task<JsonObject> BodyAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>Creates a user the way Entra ID does; returns its id.</summary>
    public async Task<string> CreateUserAsync(string userName, string displayName, string? department = null)
    {
        var enterprise = department is null ? string.Empty : $$""", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "{{department}}" }""";
        using var response = await Client.PostAsync("Users", Json($$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "externalId": "{{userName}}-ext",
              "userName": "{{userName}}",
              "active": true,
              "displayName": "{{displayName}}",
              "emails": [{ "primary": true, "type": "work", "value": "{{userName}}" }],
              "name": { "givenName": "Given", "familyName": "Family", "formatted": "{{displayName}}" }{{enterprise}}
            }
            """));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await BodyAsync(response))["id"]!.GetValue<string>();
    }

    /// <summary>Creates a group the way Entra ID does (empty, then members by PATCH); returns its id.</summary>
    public async Task<string> CreateGroupAsync(string displayName)
    {
        using var response = await Client.PostAsync("Groups", Json($$"""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "externalId": "{{displayName}}-ext", "displayName": "{{displayName}}", "members": [] }
            """));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await BodyAsync(response))["id"]!.GetValue<string>();
    }

    public Task<HttpResponseMessage> PatchAsync(string path, string operations) =>
        Client.PatchAsync(path, Json($$"""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": {{operations}} }"""));

    public Task<HttpResponseMessage> AddMembersAsync(string groupId, params string[] userIds) =>
        PatchAsync("Groups/" + groupId, $$"""[{ "op": "Add", "path": "members", "value": [{{string.Join(", ", userIds.Select(id => $$"""{ "value": "{{id}}" }"""))}}] }]""");

    public Task<HttpResponseMessage> RemoveMemberAsync(string groupId, string userId) =>
        PatchAsync("Groups/" + groupId, $$"""[{ "op": "Remove", "path": "members[value eq \"{{userId}}\"]" }]""");

    /// <summary>Waits until a condition holds (background work), failing after a generous deadline.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("Timed out waiting for: " + what);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsDirectory)
        {
            return; // the caller restarts a host on it
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
