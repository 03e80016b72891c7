// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScimSync.Internal;
using ScimSync.Schema;
using ScimSync.Server;
using ScimSync.Stores;
using ScimSync.Stores.Sqlite;
using ScimSync.Stores.Sqlite.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded SQLite store.</summary>
public static class SqliteScimProvisioningBuilderExtensions
{
    // The directory version 1 databases migrate into and the server uses until connections choose their own.
    private const string DefaultDirectory = "default";

    /// <summary>
    /// Stores Users, Groups and memberships in one SQLite file (WAL, <c>synchronous=FULL</c>), replacing any store
    /// registered earlier. The schema is created or migrated on first use.
    /// </summary>
    /// <remarks>
    /// Registers a singleton <see cref="IScimStoreProvider"/> that serves every directory from the one file (a
    /// <c>directory</c> column), plus <see cref="IUserStore"/>/<see cref="IGroupStore"/> for directory <c>default</c>,
    /// and an <see cref="IScimSettingsStore"/> over table <c>setting_documents</c> of the same file unless one is already
    /// registered.
    /// A database the store cannot reach for a transient reason (locked, busy, I/O error, disk full) makes operations
    /// throw <see cref="ScimStoreUnavailableException"/> after rolling back. The provisioning log is kept durably in the
    /// same file (<see cref="SqliteProvisioningLogBuilderExtensions.AddSqliteProvisioningLog"/>); call
    /// <c>AddProvisioningLog&lt;T&gt;()</c> after this to keep it elsewhere.
    /// </remarks>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Changes the options (for example <see cref="SqliteStoreOptions.DatabasePath"/>).</param>
    /// <returns>The builder.</returns>
    public static ScimProvisioningBuilder AddSqliteStore(this ScimProvisioningBuilder builder, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SqliteStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => !string.IsNullOrWhiteSpace(o.DatabasePath) || !string.IsNullOrWhiteSpace(o.ConnectionString), "SqliteStoreOptions.DatabasePath or ConnectionString must be set.")
            .Validate(o => o.MaxScannedResources > 0, "SqliteStoreOptions.MaxScannedResources must be positive.")
            .Validate(o => o.CacheSizeMiB is > 0 and <= 65_536, "SqliteStoreOptions.CacheSizeMiB must be between 1 and 65,536.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(sp => SqliteDatabase.FromOptions(sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value));
        builder.Services.TryAddSingleton(sp => new SqliteStoreProvider(
            sp.GetRequiredService<SqliteDatabase>(),
            sp.GetRequiredService<ScimSchemaRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.MaxScannedResources));
        builder.Services.Replace(ServiceDescriptor.Singleton<IScimStoreProvider>(sp => sp.GetRequiredService<SqliteStoreProvider>()));

        // Hosts that inject a single store directly get the directory the server used before connections existed.
        builder.Services.Replace(ServiceDescriptor.Singleton<IUserStore>(sp => sp.GetRequiredService<SqliteStoreProvider>().GetUserStore(DefaultDirectory)));
        builder.Services.Replace(ServiceDescriptor.Singleton<IGroupStore>(sp => sp.GetRequiredService<SqliteStoreProvider>().GetGroupStore(DefaultDirectory)));

        // Settings live in the same file and share its group commit; a host's own settings store wins, another store package's is replaced.
        SettingsStoreRegistration.Add(builder.Services, sp => new SqliteSettingsStore(
            sp.GetRequiredService<SqliteDatabase>(),
            sp.GetRequiredService<TimeProvider>()));
        return builder.AddSqliteProvisioningLog();
    }

    /// <summary>Stores Users, Groups and memberships in the SQLite file a connection string names.</summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="connectionString">The connection string, for example <c>Data Source=scimsync.db</c>.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Same as <see cref="AddSqliteStore"/> with <see cref="SqliteStoreOptions.ConnectionString"/> set.</remarks>
    public static ScimProvisioningBuilder UseSqliteStore(this ScimProvisioningBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.AddSqliteStore(o => o.ConnectionString = connectionString);
    }
}
