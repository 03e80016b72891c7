// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ScimSync.Okta.Tests;

public sealed class OktaSourceOptionsTests
{
    [Fact]
    public void Validate_ApiToken_IsValid()
    {
        var options = new OktaSourceOptions { OrgUrl = new Uri("https://example.okta.com"), ApiToken = "t" };

        Assert.Empty(options.Validate());
        Assert.False(options.UsesServiceApp);
    }

    [Fact]
    public void Validate_ServiceApp_IsValid()
    {
        var options = new OktaSourceOptions { OrgUrl = new Uri("https://example.okta.com"), ClientId = "0oa", PrivateKey = "/keys/okta.pem" };

        Assert.Empty(options.Validate());
        Assert.True(options.UsesServiceApp);
    }

    [Theory]
    [InlineData(null, "t", null, null, "OrgUrl is required")]
    [InlineData("http://example.okta.com", "t", null, null, "OrgUrl must use https")]
    [InlineData("https://example.okta.com/oauth2/default", "t", null, null, "without a path")]
    [InlineData("ftp://example.okta.com", "t", null, null, "absolute https URL")]
    [InlineData("https://example.okta.com", null, null, null, "Set ApiToken (an Okta API token) or ClientId")]
    [InlineData("https://example.okta.com", "t", "0oa", "k", "not both")]
    [InlineData("https://example.okta.com", null, "0oa", null, "PrivateKey (PEM text or the path of a PEM file) is required")]
    [InlineData("https://example.okta.com", "t", null, "k", "PrivateKey is set but ClientId is not")]
    public void Validate_Connection_ReportsTheProblem(string? orgUrl, string? token, string? clientId, string? key, string expected)
    {
        var options = new OktaSourceOptions
        {
            OrgUrl = orgUrl is null ? null : new Uri(orgUrl),
            ApiToken = token,
            ClientId = clientId,
            PrivateKey = key,
        };

        Assert.Contains(options.Validate(), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://[::1]:8080")]
    public void Validate_HttpOnLoopback_IsAccepted(string orgUrl)
    {
        var options = new OktaSourceOptions { OrgUrl = new Uri(orgUrl), ApiToken = "t" };

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Validate_EveryProblem_IsListedAtOnce_WithoutSecrets()
    {
        var options = new OktaSourceOptions
        {
            OrgUrl = new Uri("http://example.okta.com"),
            ApiToken = "00very-secret",
            ClientId = "0oa",
            PrivateKey = "-----BEGIN PRIVATE KEY-----secret-----END PRIVATE KEY-----",
            PageSize = 0,
            Timeout = TimeSpan.Zero,
            MaxRetries = -1,
            RateLimitReserve = -1,
            FullSyncEvery = 0,
        };
        options.AttributeMap["userName"] = string.Empty;
        options.AttributeMap["manager"] = "profile.manager";
        options.AttributeMap["title"] = "profile.title; drop table";

        var problems = options.Validate();

        Assert.Equal(10, problems.Count);
        Assert.Contains("FullSyncEvery must be at least 1.", problems);
        Assert.Contains("PageSize must be between 1 and 200.", problems);
        Assert.Contains("AttributeMap: userName cannot be removed.", problems);
        Assert.Contains("AttributeMap: 'manager' is not a supported SCIM path.", problems);
        Assert.Contains(problems, p => p.Contains("'profile.title; drop table'", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public void AddOktaSource_BindsFromConfiguration_CodeWins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ScimSync:Okta:corp:OrgUrl"] = "https://corp.okta.com",
            ["ScimSync:Okta:corp:ClientId"] = "0oa-corp",
            ["ScimSync:Okta:corp:PrivateKey"] = "/run/secrets/okta.pem",
            ["ScimSync:Okta:corp:KeyId"] = "kid-1",
            ["ScimSync:Okta:corp:UseDPoP"] = "false",
            ["ScimSync:Okta:corp:UserSearch"] = "profile.department eq \"R&D\"",
            ["ScimSync:Okta:corp:GroupSearch"] = "type eq \"OKTA_GROUP\"",
            ["ScimSync:Okta:corp:PageSize"] = "50",
            ["ScimSync:Okta:corp:Timeout"] = "00:00:30",
            ["ScimSync:Okta:corp:AttributeMap:enterprise.department"] = "profile.costCenter",
            ["ScimSync:Okta:corp:Interval"] = "00:10:00",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddScimProvisioning(scim => scim.AddInMemoryStore().AddOktaSource("corp", o => o.PageSize = 75));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<OktaSourceOptions>>().Get("corp");

        Assert.Equal(new Uri("https://corp.okta.com"), options.OrgUrl);
        Assert.Equal("0oa-corp", options.ClientId);
        Assert.Equal("kid-1", options.KeyId);
        Assert.False(options.UseDPoP);
        Assert.Equal("profile.department eq \"R&D\"", options.UserSearch);
        Assert.Equal("type eq \"OKTA_GROUP\"", options.GroupSearch);
        Assert.Equal(75, options.PageSize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Interval);
        Assert.Equal("profile.costCenter", options.AttributeMap["enterprise.department"]);
        Assert.NotNull(provider.GetRequiredService<IHttpClientFactory>().CreateClient(OktaScimProvisioningBuilderExtensions.HttpClientName));
        Assert.Same(provider.GetRequiredService<OktaTokenCache>(), provider.GetRequiredService<OktaTokenCache>());
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        using var http = new HttpClient();

        var e = Assert.Throws<ArgumentException>(() => new OktaIdentitySource(new OktaSourceOptions(), http));

        Assert.Contains("OrgUrl is required", e.Message, StringComparison.Ordinal);
    }
}
