// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Admin.Tests.Infrastructure;

/// <summary>
/// A SCIM server with the operator console on a TestServer over a SQLite file: connection "configured" (a configured
/// token) from configuration, the console at /scim-admin behind policy "ScimOperators" (role "operator"), and a test
/// authentication scheme that signs in whoever sends <c>X-Test-User</c> (role from <c>X-Test-Role</c>).
/// </summary>
public sealed class ConsoleTestHost : IAsyncDisposable
{
    public const string ConfiguredConnection = "configured";
    public const string ConfiguredToken = "configured-token-0123456789abcdef";
    public const string ConfiguredTokenName = "from-config";
    public const string Policy = "ScimOperators";

    private readonly WebApplication _app;
    private readonly string? _ownedDirectory;

    private ConsoleTestHost(WebApplication app, string directory, string? ownedDirectory)
    {
        _app = app;
        _ownedDirectory = ownedDirectory;
        Directory = directory;
    }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "scim.db");

    public IServiceProvider Services => _app.Services;

    public TestServer Server => _app.GetTestServer();

    public ScimConsoleSettings Settings => Services.GetRequiredService<ScimConsoleSettings>();

    public IScimSettingsStore SettingsStore => Services.GetRequiredService<IScimSettingsStore>();

    /// <summary>Starts a host; with <paramref name="directory"/> it uses (and does not delete) that directory's database.</summary>
    public static async Task<ConsoleTestHost> StartAsync(
        string? directory = null,
        Action<ScimAdminOptions>? console = null,
        Action<ScimProvisioningBuilder>? scim = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplicationBuilder>? host = null)
    {
        var owned = directory is null;
        directory ??= System.IO.Directory.CreateTempSubdirectory("scimsync-admin-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        host?.Invoke(builder);
        builder.Services.AddScimProvisioning(s =>
        {
            s.AddConnection(ConfiguredConnection, c => c.UseBearerToken(ConfiguredToken, name: ConfiguredTokenName))
                .AddSqliteStore(o => o.DatabasePath = Path.Combine(directory, "scim.db"))
                .AddOperatorConsole(o =>
                {
                    o.RefreshInterval = TimeSpan.Zero;
                    console?.Invoke(o);
                });
            scim?.Invoke(s);
        });
        AddTestAuthentication(builder.Services);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapScim("/scim");
        app.MapScimAdmin("/scim-admin", Policy);
        await app.StartAsync();
        return new ConsoleTestHost(app, directory, owned ? directory : null);
    }

    public static void AddTestAuthentication(IServiceCollection services)
    {
        services.AddAuthentication(TestAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.RequireRole("operator"));
    }

    /// <summary>A console client signed in as <paramref name="user"/> with <paramref name="role"/> (none: anonymous), keeping cookies.</summary>
    public ConsoleClient Console(string? user = "alice", string? role = "operator") => new(Server, user, role);

    /// <summary>A SCIM client of a connection with a bearer token (none: no Authorization header).</summary>
    public HttpClient Scim(string connection, string? token)
    {
        var client = Server.CreateClient();
        client.BaseAddress = new Uri($"http://localhost/scim/{connection}/v2/");
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/scim+json");

    public static string UserJson(string userName, string? extra = null) =>
        $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}"{{extra}}}""";

    /// <summary>POSTs a user; returns the status and the body (null when not JSON).</summary>
    public async Task<(HttpStatusCode Status, JsonObject? Body)> CreateUserAsync(string connection, string? token, string userName, string? extra = null)
    {
        using var client = Scim(connection, token);
        using var response = await client.PostAsync("Users", Json(UserJson(userName, extra)));
        var text = await response.Content.ReadAsStringAsync();
        JsonObject? body = null;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return (response.StatusCode, body);
    }

    public async Task<HttpStatusCode> GetUsersStatusAsync(string connection, string? token)
    {
        using var client = Scim(connection, token);
        using var response = await client.GetAsync("Users");
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_ownedDirectory is not null)
        {
            TryDelete(_ownedDirectory);
        }
    }

    public static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Signs in whoever sends <c>X-Test-User</c>, with the role in <c>X-Test-Role</c>.</summary>
public sealed class TestAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers["X-Test-User"].ToString() is not { Length: > 0 } user)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, user) };
        if (Request.Headers["X-Test-Role"].ToString() is { Length: > 0 } role)
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
