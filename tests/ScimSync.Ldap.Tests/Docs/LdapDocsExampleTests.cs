// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScimSync.Ldap.Tests.Sync;
using ScimSync.Policies;
using ScimSync.Server;

namespace ScimSync.Ldap.Tests.Docs;

/// <summary>
/// The examples of docs/ldap.md: each C# block there is a region of this file (checked by DocsSnippetTests), and each
/// JSON configuration there binds and validates. Nothing here connects to a directory: the code-only source is resolved
/// and validated without starting the host, and the sync examples run against the in-memory <see cref="FakeLdapDirectory"/>.
/// </summary>
public sealed partial class LdapDocsExampleTests
{
    [Fact]
    public void Docs_RegisterInCode_ResolvesAndValidates()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Configuration["CorpAdPassword"] = "from-a-secret-store";

        #region register-in-code
        builder.Services.AddScimProvisioning(scim => scim
            .AddInMemoryStore() // your store: AddSqliteStore, AddPostgreSqlStore, …
            .AddLdapSource("corp-ad", o =>
            {
                o.Profile = LdapProfileKind.ActiveDirectory;
                o.Server.Host = "dc01.corp.example.com";
                o.Server.Security = LdapSecurity.Ldaps;
                o.Server.BindDn = "svc-scimsync@corp.example.com";
                o.Server.BindPassword = builder.Configuration["CorpAdPassword"];
                o.UserBaseDns.Add("OU=Staff,DC=corp,DC=example,DC=com");
                o.GroupBaseDns.Add("OU=Groups,DC=corp,DC=example,DC=com");
                o.NestedGroups = true;
                o.Interval = TimeSpan.FromMinutes(15);
                o.IncrementalSync = true;
            })
            .AddConnection("corp-ad", c => c.UsePolicies(p =>
            {
                p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate;
                p.GroupMapping.Mode = GroupMappingMode.OnTheFly;
                p.GroupMapping.Include.Add("^APP-");
            })));
        #endregion

        // Built, never started: starting would run the scheduled sync against the example's domain controller.
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<LdapSourceOptions>>().Get("corp-ad");
        Assert.Empty(options.Validate());
        Assert.Equal(LdapSecurity.Ldaps, options.Server.Security);
        Assert.Equal("uSNChanged", options.GetProfile().ChangeAttribute);
        Assert.Equal(["corp-ad"], host.Services.GetRequiredService<LdapSynchronizer>().Connections);
        var connection = host.Services.GetRequiredService<IOptions<ScimServerOptions>>().Value.Connections["corp-ad"];
        Assert.False(connection.AcceptsRequests);
        Assert.Equal(UserDeleteBehavior.Deactivate, connection.Policies!.Lifecycle.OnDelete);
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s.GetType().Name == "LdapSyncService");
    }

    [Fact]
    public void Docs_InvalidOptions_AreListedTogether()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddScimProvisioning(scim => scim.AddInMemoryStore().AddLdapSource("broken", o => o.Server.BindDn = "cn=x"));
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<LdapSourceOptions>>().Get("broken"));

        // The messages the guide quotes.
        Assert.Contains("ScimSync:Ldap:broken: Server.BindPassword is required with Server.BindDn (an empty password would bind anonymously).", e.Failures);
        Assert.Contains("ScimSync:Ldap:broken: UserBaseDns needs at least one DN, and no empty one.", e.Failures);
        Assert.Contains("ScimSync:Ldap:broken: GroupBaseDns needs at least one DN, and no empty one, when SyncGroups is on.", e.Failures);
    }

    [Fact]
    public void Docs_EveryLdapConfigurationFile_BindsAndValidates()
    {
        var blocks = JsonBlocks().Where(b => b.Contains("\"ScimSync\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(blocks);
        foreach (var json in blocks)
        {
            using var provider = ProviderFor(json);
            var configuration = provider.GetRequiredService<IConfiguration>();
            foreach (var source in configuration.GetSection("ScimSync:Ldap").GetChildren())
            {
                var options = provider.GetRequiredService<IOptionsMonitor<LdapSourceOptions>>().Get(source.Key);
                Assert.Empty(options.Validate());
            }
        }
    }

    [Fact]
    public async Task Docs_SyncOnDemand_RunsAgainstAFakeDirectory()
    {
        var json = JsonBlocks().First(b => b.Contains("\"corp-ldap\"", StringComparison.Ordinal));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        builder.Configuration["ScimSync:Ldap:corp-ldap:Server:BindPassword"] = "from-a-secret-store";

        #region register-from-configuration
        builder.Services.AddScimProvisioning(scim => scim
            .BindConfiguration("ScimSync")
            .AddInMemoryStore() // your store
            .AddLdapSource("corp-ldap", _ => { }));
        #endregion

        #region state-in-memory
        builder.Services.AddSingleton<ILdapSyncStateStore>(new InMemoryLdapSyncStateStore());
        #endregion

        // Test set-up: the directory is the in-memory fake (users user0001…, groups group01…), not ldap.example.org.
        builder.Services.AddSingleton<ILdapDirectoryFactory>(LdapTestData.Directory());
        using var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var cancellationToken = timeout.Token;

        #region sync-on-demand
        var synchronizer = host.Services.GetRequiredService<LdapSynchronizer>();
        var result = await synchronizer.SyncAsync("corp-ldap", LdapSyncMode.Full, cancellationToken);
        Console.WriteLine($"{result.Mode}, complete: {result.Complete}; users {result.Users.Created} created, " +
            $"{result.Users.Updated} updated, {result.Users.Removed} removed, {result.Users.Failed} failed");
        if (result.DeletionsSkippedReason is { } reason)
        {
            Console.WriteLine("Nobody was removed: " + reason);
        }
        #endregion

        Assert.True(result.Complete);
        Assert.Equal(LdapSyncMode.Full, result.Mode);
        Assert.True(result.Users.Created > 0);
        Assert.True(result.Groups.Created > 0);
        Assert.Null(result.DeletionsSkippedReason);

        // The preview runs over the connection's store: a user synced already is matched by externalId.
        Assert.Equal("relink", (await synchronizer.TestUserAsync("corp-ldap", "user0002", cancellationToken)).Preview!.Action);

        // An incremental request with a mark now runs incrementally, and never removes anyone.
        var incremental = await synchronizer.SyncAsync("corp-ldap", LdapSyncMode.Incremental, cancellationToken);
        Assert.Equal(LdapSyncMode.Incremental, incremental.Mode);
        Assert.Equal(0, incremental.Users.Removed);
    }

    [Fact]
    public async Task Docs_TestUser_RunsAgainstAFakeDirectory()
    {
        using var host = FakeDirectoryHost();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var cancellationToken = timeout.Token;

        #region test-user
        var synchronizer = host.Services.GetRequiredService<LdapSynchronizer>();
        var test = await synchronizer.TestUserAsync("corp-ldap", "user0002", cancellationToken);
        if (!test.Found)
        {
            Console.WriteLine(test.Error ?? "No such user under the base DNs and filter.");
        }
        else
        {
            Console.WriteLine(test.DistinguishedName); // the entry found
            Console.WriteLine(test.User!.ToJsonString()); // the SCIM user it maps to
            Console.WriteLine(test.Preview?.Action); // what the policies would do: create, relink, refused, …
        }
        #endregion

        Assert.True(test.Found);
        Assert.Equal("uid=user0002,ou=people,dc=example,dc=org", test.DistinguishedName);
        Assert.Equal("user0002", test.User!["userName"]!.GetValue<string>());
        Assert.Equal("create", test.Preview!.Action); // nothing stored yet
    }

    private static IHost FakeDirectoryHost()
    {
        var json = JsonBlocks().First(b => b.Contains("\"corp-ldap\"", StringComparison.Ordinal));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        builder.Configuration["ScimSync:Ldap:corp-ldap:Server:BindPassword"] = "from-a-secret-store";
        builder.Services.AddScimProvisioning(scim => scim.BindConfiguration("ScimSync").AddInMemoryStore().AddLdapSource("corp-ldap", _ => { }));
        builder.Services.AddSingleton<ILdapSyncStateStore>(new InMemoryLdapSyncStateStore());
        builder.Services.AddSingleton<ILdapDirectoryFactory>(LdapTestData.Directory());
        return builder.Build();
    }

    private static ServiceProvider ProviderFor(string json)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .Build();
        var sources = configuration.GetSection("ScimSync:Ldap").GetChildren().Select(s => s.Key).ToList();

        // Bind passwords come from the environment or a secret store, never from the file.
        var secrets = sources
            .Where(s => configuration[$"ScimSync:Ldap:{s}:Server:BindDn"] is not null)
            .ToDictionary(s => $"ScimSync:Ldap:{s}:Server:BindPassword", _ => (string?)"from-a-secret-store");
        var withSecrets = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(secrets).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(withSecrets).AddLogging();
        services.AddScimProvisioning(scim =>
        {
            scim.BindConfiguration("ScimSync").AddInMemoryStore();
            foreach (var source in sources)
            {
                scim.AddLdapSource(source, _ => { });
            }
        });
        return services.BuildServiceProvider();
    }

    private static List<string> JsonBlocks()
    {
        var guide = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "ldap.md"));
        return [.. JsonBlock().Matches(guide).Select(m => m.Groups["json"].Value)];
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ScimSync.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root was not found.");
    }

    [GeneratedRegex("```json\\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
