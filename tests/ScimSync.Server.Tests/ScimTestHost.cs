// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ScimSync.Server;

namespace ScimSync.Server.Tests;

/// <summary>A SCIM server on a TestServer over a SQLite file in a fresh temporary directory.</summary>
public sealed class ScimTestHost : IAsyncDisposable
{
    public const string Token = "test-token-0123456789abcdef";
    public const string SecondToken = "rotated-token-0123456789abcdef";
    public const string BaseUrl = "http://localhost/scim/test/v2";

    private readonly WebApplication _app;
    private readonly string _directory;

    private ScimTestHost(WebApplication app, string directory, FakeTimeProvider time)
    {
        _app = app;
        _directory = directory;
        Time = time;
        Client = app.GetTestClient();
        Client.BaseAddress = new Uri(BaseUrl + "/");
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public HttpClient Client { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ScimTestHost> StartAsync(
        Action<ScimServerOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<ScimProvisioningBuilder>? scim = null)
    {
        var directory = Directory.CreateTempSubdirectory("scimsync-server-").FullName;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddScimProvisioning(builder =>
        {
            builder
                .AddConnection("test", c => c.UseBearerToken(Token).UseBearerToken(SecondToken))
                .Configure(o => configure?.Invoke(o))
                .AddSqliteStore(o => o.DatabasePath = Path.Combine(directory, "scim.db"));
            scim?.Invoke(builder);
        });
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapScim("/scim");
        await app.StartAsync();
        return new ScimTestHost(app, directory, time);
    }

    /// <summary>Creates a client without credentials.</summary>
    public HttpClient CreateClient()
    {
        var client = _app.GetTestClient();
        client.BaseAddress = new Uri(BaseUrl + "/");
        return client;
    }

    public static StringContent Json(string json, string mediaType = "application/scim+json") =>
        new(json, Encoding.UTF8, mediaType);

    public static async Task<JsonObject> BodyAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public Task<HttpResponseMessage> PostAsync(string path, string json) => Client.PostAsync(path, Json(json));

    public async Task<JsonObject> CreateUserAsync(string userName, string? extra = null)
    {
        var response = await PostAsync("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}"{{extra}}}""");
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await BodyAsync(response);
    }

    public async Task<JsonObject> CreateGroupAsync(string displayName, params string[] memberIds)
    {
        var members = string.Join(",", memberIds.Select(id => $$"""{"value":"{{id}}"}"""));
        var response = await PostAsync("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"{{displayName}}","members":[{{members}}]}""");
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await BodyAsync(response);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
