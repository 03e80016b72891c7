// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Conformance;
using ScimSync.Policies;
using ScimSync.Server;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>
/// Runs the protocol conformance suite with every mapping policy switched on (default and on-the-fly group
/// mapping, custom attributes, re-linking): the policies add their extensions but must not change what the
/// identity providers see of their own requests.
/// </summary>
public sealed class SqlitePolicyProtocolConformanceTests : ScimProtocolConformanceTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-policy-conformance-").FullName;

    protected override void ConfigureStore(ScimProvisioningBuilder scim) => scim
        .AddSqliteStore(o => o.DatabasePath = Path.Combine(_directory, "scim.db"))
        .AddConnection("conformance", c => c.UsePolicies(p =>
        {
            p.AttributeMapping.CustomAttributes["department"] = new AttributeSource { Paths = { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department" } };
            p.GroupMapping.DefaultGroupsForNewUsers.Add("app-users");
            p.GroupMapping.DefaultGroupsForAllUsers.Add("everyone");
            p.GroupMapping.Mode = GroupMappingMode.OnTheFly;
        }));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
