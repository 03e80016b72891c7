// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Conformance;
using ScimSync.Server;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>Runs the protocol conformance suite (Entra ID, Okta and RFC 7644 sequences over HTTP) on a SQLite file.</summary>
public sealed class SqliteProtocolConformanceTests : ScimProtocolConformanceTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-protocol-").FullName;

    protected override void ConfigureStore(ScimProvisioningBuilder scim) =>
        scim.AddSqliteStore(o => o.DatabasePath = Path.Combine(_directory, "scim.db"));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
