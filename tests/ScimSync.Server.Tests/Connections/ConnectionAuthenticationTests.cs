// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScimSync.Stores;

namespace ScimSync.Server.Tests.Connections;

/// <summary>How a request finds its connection and proves it may use it.</summary>
public sealed class ConnectionAuthenticationTests
{
    private static readonly GeneratedToken s_hashed = ScimBearerToken.Generate();

    [Fact]
    public async Task Request_TokenGivenAsHash_IsAccepted()
    {
        await using var host = await ScimTestHost.StartAsync(scim: s => s.AddConnection("hashed", c => c.UseBearerTokenHash(s_hashed.Sha256).UseDirectory("test")));
        using var client = Client(host, "hashed", s_hashed.Token);

        var response = await client.GetAsync("Users");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_TokenOfAnotherConnection_Is401()
    {
        await using var host = await ScimTestHost.StartAsync(scim: s => s.AddConnection("other", c => c.UseBearerTokenHash(s_hashed.Sha256).UseDirectory("test")));
        using var client = Client(host, "other", ScimTestHost.Token);

        var response = await client.GetAsync("Users");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Request_ToAConnectionFedOnlyInProcess_IsAnsweredLikeAnUnknownConnection()
    {
        await using var host = await ScimTestHost.StartAsync(scim: s => s.AddConnection("feed", c => c.Options.AcceptsRequests = false));
        using var client = Client(host, "feed", ScimTestHost.Token);
        using var unknown = Client(host, "nosuch", ScimTestHost.Token);

        var response = await client.GetAsync("Users");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal((await ScimTestHost.BodyAsync(await unknown.GetAsync("Users"))).ToJsonString(), (await ScimTestHost.BodyAsync(response)).ToJsonString());
        var created = await host.Services.GetRequiredService<ScimProvisioner>().CreateAsync("feed", ScimResourceKind.User, System.Text.Json.Nodes.JsonNode.Parse("""{"userName":"fed"}""")!.AsObject());
        Assert.NotNull(created.Id);
    }

    [Fact]
    public async Task Request_UnknownConnection_IsAnsweredLikeABadToken()
    {
        await using var host = await ScimTestHost.StartAsync();
        using var client = Client(host, "nosuch", ScimTestHost.Token);
        using var wrongToken = Client(host, "test", "wrong-token-0123456789abcdef");

        var unknown = await client.GetAsync("Users");
        var badToken = await wrongToken.GetAsync("Users");

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal((await ScimTestHost.BodyAsync(badToken)).ToJsonString(), (await ScimTestHost.BodyAsync(unknown)).ToJsonString());
    }

    [Fact]
    public async Task Request_ConnectionNameInOtherCase_FindsConnection()
    {
        await using var host = await ScimTestHost.StartAsync();
        using var client = Client(host, "TEST", ScimTestHost.Token);

        var created = await client.PostAsync("Users", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"casey"}"""));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("http://localhost/scim/test/v2/Users/", created.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ExpiredToken_Is401AndValidTokenStillWorks()
    {
        await using var host = await ScimTestHost.StartAsync(scim: s => s.AddConnection("rotating", c => c
            .UseBearerToken("old-token-0123456789abcdef", expiresAt: new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), name: "old")
            .UseBearerToken("new-token-0123456789abcdef", name: "new")
            .UseDirectory("test")));
        using var old = Client(host, "rotating", "old-token-0123456789abcdef");
        using var fresh = Client(host, "rotating", "new-token-0123456789abcdef");

        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("Users")).StatusCode);
        host.Time.Advance(TimeSpan.FromDays(30));
        var expired = await old.GetAsync("Users");

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", (await ScimTestHost.BodyAsync(expired))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("Users")).StatusCode);
    }

    [Fact]
    public async Task TokenActivity_AfterRequests_ReportsLastUseWithoutTheToken()
    {
        await using var host = await ScimTestHost.StartAsync();
        using var second = Client(host, "test", ScimTestHost.SecondToken);

        await second.GetAsync("Users");
        var tokens = host.Services.GetRequiredService<IScimTokenActivity>().GetTokens();

        Assert.Equal(2, tokens.Count);
        Assert.Null(tokens.Single(t => t.Name == "0").LastUsed);
        Assert.Equal(host.Time.GetUtcNow(), tokens.Single(t => t.Name == "1").LastUsed);
        Assert.DoesNotContain(tokens, t => t.ToString().Contains(ScimTestHost.SecondToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Request_ConnectionWithAuthenticationScheme_UsesTheScheme()
    {
        await using var host = await ScimTestHost.StartAsync(
            services: s => s.AddAuthentication().AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>("Header", _ => { }),
            scim: s => s.AddConnection("oauth", c => c.UseAuthenticationScheme("Header").UseDirectory("test")));
        using var valid = Client(host, "oauth", HeaderAuthenticationHandler.ValidToken);
        using var invalid = Client(host, "oauth", ScimTestHost.Token);

        Assert.Equal(HttpStatusCode.OK, (await valid.GetAsync("Users")).StatusCode);
        var refused = await invalid.GetAsync("Users");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        var config = await ScimTestHost.BodyAsync(await valid.GetAsync("ServiceProviderConfig"));
        Assert.Equal("OAuth Bearer Token", config["authenticationSchemes"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_StoreUnavailable_Is503WithRetryAfter()
    {
        await using var host = await ScimTestHost.StartAsync(services: s => s.AddSingleton<IScimStoreProvider, UnavailableStoreProvider>());

        var response = await host.Client.GetAsync("Users");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("503", body["status"]!.GetValue<string>());
        Assert.DoesNotContain("database", body.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Start_TwoDirectoriesOverSingleDirectoryStores_FailsNamingTheFix()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddScimProvisioning(scim => scim
            .AddConnection("first", c => c.UseBearerToken("first-token-0123456789"))
            .AddConnection("second", c => c.UseBearerToken("second-token-0123456789")));

        // The host's own single-directory stores (never resolved: the host does not start).
        builder.Services.AddScoped<IUserStore>(_ => throw new InvalidOperationException());
        builder.Services.AddScoped<IGroupStore>(_ => throw new InvalidOperationException());
        await using var app = builder.Build();
        app.MapScim();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("UseDirectory", StringComparison.Ordinal) && f.Contains("IScimStoreProvider", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_Twice_GivesDistinctStrongTokensMatchingTheirHashes()
    {
        var first = ScimBearerToken.Generate();
        var second = ScimBearerToken.Generate();

        Assert.NotEqual(first.Token, second.Token);
        Assert.StartsWith("scim_", first.Token, StringComparison.Ordinal);
        Assert.True(first.Token.Length >= 47);
        Assert.Equal(ScimBearerToken.ComputeSha256(first.Token), first.Sha256);
        Assert.DoesNotContain(first.Token, first.ToString(), StringComparison.Ordinal);
    }

    private static HttpClient Client(ScimTestHost host, string connection, string token)
    {
        var client = host.CreateClient();
        client.BaseAddress = new Uri($"http://localhost/scim/{connection}/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Stands in for JWT bearer: accepts one fixed token, like a real scheme accepts a signed one.</summary>
    private sealed class HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string ValidToken = "issued-by-the-authorization-server";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers.Authorization.ToString() == "Bearer " + ValidToken
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "entra")], Scheme.Name)), Scheme.Name))
                : AuthenticateResult.Fail("invalid token"));
    }

    private sealed class UnavailableStoreProvider : IScimStoreProvider
    {
        public IUserStore GetUserStore(string directory) =>
            throw new ScimStoreUnavailableException("database is locked") { RetryAfter = TimeSpan.FromSeconds(7) };

        public IGroupStore GetGroupStore(string directory) => throw new ScimStoreUnavailableException("database is locked");
    }
}
