// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Ldap;
using ScimSync.Ldap.Tests;
using ScimSync.Tool.Ldap;

namespace ScimSync.Tool.Tests.Ldap;

/// <summary><c>scimsync ldap test-user</c> against the throwaway slapd of ./test.sh, configured as a host would be.</summary>
public sealed class LdapTestUserCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-ldap-tool-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [LdapFact]
    public async Task TestUser_KnownLogin_ShowsEntryMappedUserAndPolicies()
    {
        var config = WriteConfig();

        var (exitCode, output) = await ToolRunner.RunAsync(c => LdapCommand.Create(c), "ldap", "test-user", "--config", config, "--source", "corp", "--user", "user0002");

        Assert.True(exitCode == 0, output);
        Assert.Contains("Found uid=user0002,ou=people,", output, StringComparison.Ordinal);
        Assert.Contains("\"userName\": \"user0002\"", output, StringComparison.Ordinal);
        Assert.Contains("create", output, StringComparison.Ordinal);
        Assert.Contains("everyone", output, StringComparison.Ordinal);
    }

    [LdapFact]
    public async Task TestUser_UnknownLogin_ExitCode1()
    {
        var config = WriteConfig();

        var (exitCode, output) = await ToolRunner.RunAsync(c => LdapCommand.Create(c), "ldap", "test-user", "--config", config, "--source", "corp", "--user", "nobody-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(1, exitCode);
        Assert.Contains("No user with the login", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestUser_UnknownSource_ExitCode2AndNamesTheSources()
    {
        var config = Path.Combine(_directory, "appsettings.json");
        await File.WriteAllTextAsync(config, """{"ScimSync":{"Ldap":{"corp":{"UserBaseDns":["dc=example,dc=org"]}}}}""");

        var (exitCode, output) = await ToolRunner.RunAsync(c => LdapCommand.Create(c), "ldap", "test-user", "--config", config, "--source", "hr", "--user", "jdoe");

        Assert.Equal(2, exitCode);
        Assert.Contains("No section ScimSync:Ldap:hr", output, StringComparison.Ordinal);
        Assert.Contains("(sources: corp)", output, StringComparison.Ordinal);
    }

    private string WriteConfig()
    {
        var server = LdapTestServer.Admin(LdapSecurity.StartTls);
        var settings = new JsonObject
        {
            ["ScimSync"] = new JsonObject
            {
                ["Ldap"] = new JsonObject
                {
                    ["corp"] = new JsonObject
                    {
                        ["Profile"] = "OpenLdap",
                        ["Server"] = new JsonObject
                        {
                            ["Host"] = server.Host,
                            ["Port"] = server.Port,
                            ["Security"] = "StartTls",
                            ["BindDn"] = server.BindDn,
                            ["BindPassword"] = server.BindPassword,
                            ["CaCertificateFile"] = server.CaCertificateFile,
                        },
                        ["UserBaseDns"] = new JsonArray((JsonNode)LdapTestServer.PeopleDn),
                        ["GroupBaseDns"] = new JsonArray((JsonNode)LdapTestServer.GroupsDn),
                    },
                },
                ["Connections"] = new JsonObject
                {
                    ["corp"] = new JsonObject
                    {
                        ["Policies"] = new JsonObject
                        {
                            ["GroupMapping"] = new JsonObject { ["DefaultGroupsForNewUsers"] = new JsonArray((JsonNode)"everyone") },
                        },
                    },
                },
            },
        };
        var path = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(path, settings.ToJsonString());
        return path;
    }
}
