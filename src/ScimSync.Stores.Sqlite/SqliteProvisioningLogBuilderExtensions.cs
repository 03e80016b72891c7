// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScimSync.Provisioning;
using ScimSync.Server;
using ScimSync.Stores.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the durable SQLite provisioning log.</summary>
public static class SqliteProvisioningLogBuilderExtensions
{
    /// <summary>
    /// Keeps the provisioning log (<see cref="IProvisioningLog"/>) in SQLite instead of memory, replacing any log
    /// registered earlier: by default in the SQLite store's database, in a table of its own.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Changes the options (for example a separate <see cref="SqliteProvisioningLogOptions.DatabasePath"/>).</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Entries are written by the server's background writer, so SQLite's latency never reaches a SCIM request; an
    /// entry still queued when the process crashes is lost, the change it describes is not.
    /// </remarks>
    public static ScimProvisioningBuilder AddSqliteProvisioningLog(this ScimProvisioningBuilder builder, Action<SqliteProvisioningLogOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SqliteProvisioningLogOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.Replace(ServiceDescriptor.Singleton<IProvisioningLog>(sp =>
        {
            var log = sp.GetRequiredService<IOptions<SqliteProvisioningLogOptions>>().Value;
            var store = sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
            var connectionString =
                log.ConnectionString is { Length: > 0 } explicitString ? new SqliteConnectionStringBuilder(explicitString) :
                log.DatabasePath is { Length: > 0 } path ? new SqliteConnectionStringBuilder { DataSource = path } :
                store.ConnectionString is { Length: > 0 } storeString ? new SqliteConnectionStringBuilder(storeString) :
                new SqliteConnectionStringBuilder { DataSource = store.DatabasePath };
            return new SqliteProvisioningLog(connectionString);
        }));
        return builder;
    }
}
