// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace ScimSync.Ldap.Tests.Sync;

public sealed class LdapReadmeTests
{
    [Fact]
    public async Task The_readme_configuration_file_binds_and_validates()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "src", "ScimSync.Ldap", "README.md"));
        var json = Regex.Match(readme, "```json\\n(?<json>.*?)```", RegexOptions.Singleline).Groups["json"].Value;
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ScimSync:Ldap:corp-ldap:Server:BindPassword"] = "from-a-secret-store" })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddScimProvisioning(scim => scim.BindConfiguration("ScimSync").AddInMemoryStore().AddLdapSource("corp-ldap", _ => { }));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<LdapSourceOptions>>().Get("corp-ldap");

        Assert.Equal(LdapProfileKind.OpenLdap, options.Profile);
        Assert.Equal(LdapSecurity.StartTls, options.Server.Security);
        Assert.Equal(string.Empty, options.AttributeMap["title"]);
        Assert.Empty(options.Validate());
        Assert.Equal(
            ScimSync.Policies.UserDeleteBehavior.Deactivate,
            provider.GetRequiredService<IOptions<ScimSync.Server.ScimServerOptions>>().Value.Connections["corp-ldap"].Policies!.Lifecycle.OnDelete);
        Assert.False(provider.GetRequiredService<IOptions<ScimSync.Server.ScimServerOptions>>().Value.Connections["corp-ldap"].AcceptsRequests);
    }

    [Fact]
    public async Task A_damaged_state_file_counts_as_no_state()
    {
        var folder = Directory.CreateTempSubdirectory("scimsync-ldap-").FullName;
        try
        {
            var store = new FileLdapSyncStateStore(folder);
            await store.SetAsync("corp", new LdapSyncState("42", null, null, 0));
            Assert.Equal("42", (await store.GetAsync("corp"))!.HighWaterMark);
            await File.WriteAllTextAsync(Directory.GetFiles(folder).Single(), "{ not json");
            Assert.Null(await store.GetAsync("corp"));
            Assert.Null(await store.GetAsync("other"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
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
}
