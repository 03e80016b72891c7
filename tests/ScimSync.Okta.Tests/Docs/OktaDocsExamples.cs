// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScimSync.Policies;
using ScimSync.Pull;
using ScimSync.Server;

namespace ScimSync.Okta.Tests.Docs;

/// <summary>
/// The examples of docs/pull/okta.md: each C# block there is a region of this file (checked by DocsSnippetTests in
/// ScimSync.Server.Tests), and each JSON configuration there binds and validates. The sources are built, and where a
/// region reads, it reads the emulator.
/// </summary>
public sealed partial class OktaDocsExamples
{
    [Fact]
    public void Docs_RegisterWithApiToken_ResolvesAndValidates()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Configuration["OktaApiToken"] = "from-a-secret-store";

        #region register-api-token
        builder.Services.AddScimProvisioning(scim => scim
            .AddInMemoryStore() // your store: AddSqliteStore, AddPostgreSqlStore, …
            .AddOktaSource("okta", o =>
            {
                o.OrgUrl = new Uri("https://example.okta.com");
                o.ApiToken = builder.Configuration["OktaApiToken"];
                o.UserSearch = "profile.department eq \"Engineering\"";
                o.GroupSearch = "type eq \"OKTA_GROUP\"";
                o.AttributeMap["enterprise.costCenter"] = "profile.costCenter";
                o.Interval = TimeSpan.FromMinutes(15);
            })
            .AddConnection("okta", c => c.UsePolicies(p => p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate)));
        #endregion

        // Built, never started: starting would sync with example.okta.com.
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<OktaSourceOptions>>().Get("okta");
        Assert.Empty(options.Validate());
        Assert.Equal("from-a-secret-store", options.ApiToken);
        Assert.Equal("profile.costCenter", options.AttributeMap["enterprise.costCenter"]);
        var connection = host.Services.GetRequiredService<IOptions<ScimServerOptions>>().Value.Connections["okta"];
        Assert.False(connection.AcceptsRequests);
        Assert.Equal(IdentityProvider.Okta, connection.IdentityProvider);
        Assert.IsType<OktaIdentitySource>(CreateSource(host.Services, "okta"));
    }

    [Fact]
    public void Docs_RegisterServiceApp_ResolvesAndValidates()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();

        #region register-service-app
        builder.Services.AddScimProvisioning(scim => scim
            .AddInMemoryStore() // your store
            .AddOktaSource("okta", o =>
            {
                o.OrgUrl = new Uri("https://example.okta.com");
                o.ClientId = "0oa1bcdefGHIJKLmn2p3";
                o.PrivateKey = "/run/secrets/okta-scimsync.pem"; // or the PEM text itself
                o.KeyId = "scimsync-2026";
            }));
        #endregion

        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<OktaSourceOptions>>().Get("okta");
        Assert.Empty(options.Validate());
        Assert.True(options.UsesServiceApp);
        Assert.True(options.UseDPoP);
        Assert.Equal("okta.users.read okta.groups.read", options.Scopes);
    }

    [Fact]
    public async Task Docs_RegisterFromConfiguration_BindsAndReadsTheEmulator()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var alice = org.Emulator.AddUser("alice@example.com", new Dictionary<string, string?> { ["department"] = "Engineering", ["costCenter"] = "CC-1" });
        org.Emulator.AddUser("bob@example.com", new Dictionary<string, string?> { ["department"] = "Sales" });
        var json = JsonBlocks().First(b => b.Contains("\"Okta\"", StringComparison.Ordinal));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        builder.Configuration["ScimSync:Okta:okta:ApiToken"] = OktaTestOrg.ApiToken; // from a secret store or the environment
        builder.Configuration["ScimSync:Okta:okta:OrgUrl"] = org.Emulator.OrgUrl.AbsoluteUri; // test set-up: the emulator

        #region register-from-configuration
        builder.Services.AddScimProvisioning(scim => scim
            .BindConfiguration("ScimSync")
            .AddInMemoryStore() // your store
            .AddOktaSource("okta"));
        #endregion

        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<OktaSourceOptions>>().Get("okta");
        Assert.Empty(options.Validate());
        Assert.Equal(100, options.PageSize);
        Assert.Equal(TimeSpan.FromMinutes(15), options.Interval);
        Assert.Equal("profile.costCenter", options.AttributeMap["enterprise.costCenter"]);

        var users = await OktaTestOrg.ReadUsersAsync(CreateSource(host.Services, "okta"), new SourceRead(null));
        var user = Assert.Single(users);
        Assert.Equal(alice, user.Id);
        Assert.Equal("CC-1", user.Resource![SourceAttributeMap.EnterpriseSchema]!["costCenter"]!.GetValue<string>());
    }

    [Fact]
    public async Task Docs_ReadDirectly_ListsTheEmulatorsUsers()
    {
        await using var org = await OktaTestOrg.StartAsync();
        org.Emulator.AddUser("alice@example.com");
        using var httpClient = new HttpClient();
        var options = new OktaSourceOptions { OrgUrl = org.Emulator.OrgUrl, ApiToken = OktaTestOrg.ApiToken };
        var output = new StringWriter();

        #region read-directly
        var source = new OktaIdentitySource(options, httpClient);
        var read = new SourceRead(cursor: null); // null: everything; a NextCursor from before: what changed since
        await foreach (var user in source.ReadUsersAsync(read))
        {
            output.WriteLine($"{user.Id} {user.Resource!["userName"]} active={user.Resource["active"]}");
        }

        output.WriteLine($"next cursor: {read.NextCursor}");
        #endregion

        Assert.Contains("alice@example.com active=true", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("next cursor: 20", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Docs_InvalidOptions_AreListedTogether_WithoutSecrets()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddScimProvisioning(scim => scim.AddInMemoryStore().AddOktaSource("broken", o =>
        {
            o.OrgUrl = new Uri("http://example.okta.com");
            o.ApiToken = "00secret-token";
            o.ClientId = "0oa-app";
            o.PageSize = 500;
        }));
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<OktaSourceOptions>>().Get("broken"));

        // The messages the guide quotes.
        Assert.Contains("ScimSync:Okta:broken: OrgUrl must use https (http is accepted for loopback test servers only): the token would travel in clear.", e.Failures);
        Assert.Contains("ScimSync:Okta:broken: Set either ApiToken or ClientId (service app), not both.", e.Failures);
        Assert.Contains("ScimSync:Okta:broken: PrivateKey (PEM text or the path of a PEM file) is required with ClientId.", e.Failures);
        Assert.Contains("ScimSync:Okta:broken: PageSize must be between 1 and 200.", e.Failures);
        Assert.DoesNotContain(e.Failures, f => f.Contains("00secret-token", StringComparison.Ordinal));
    }

    /// <summary>Creates the source the engine would create for a run, through the registration AddPullSource made.</summary>
    private static IIdentitySource CreateSource(IServiceProvider services, string connection) =>
        services.GetServices<ScimSync.Pull.Internal.PullSourceRegistration>().Single(r => r.Connection == connection).Source();

    private static List<string> JsonBlocks()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "ScimSync.sln")))
        {
            directory = directory.Parent;
        }

        var text = File.ReadAllText(Path.Combine(directory.FullName, "docs", "pull", "okta.md"));
        return [.. JsonBlock().Matches(text).Select(m => m.Groups["json"].Value)];
    }

    [GeneratedRegex("```json\\n(?<json>.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
