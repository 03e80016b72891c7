// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScimSync.Internal;
using ScimSync.Schema;
using ScimSync.Server;
using ScimSync.Stores;
using ScimSync.Stores.PostgreSql;
using ScimSync.Stores.PostgreSql.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL store.</summary>
public static class PostgreSqlScimProvisioningBuilderExtensions
{
    /// <summary>
    /// Stores Users, Groups and memberships of every directory in one PostgreSQL database, replacing any store provider
    /// registered earlier. The schema is created or migrated on first use.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Changes the options (at least <see cref="PostgreSqlStoreOptions.ConnectionString"/>).</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Invalid options stop the host at startup, each problem named. Also registers an
    /// <see cref="IScimSettingsStore"/> over table <c>scimsync_setting_documents</c> of the same database, unless one is already
    /// registered.
    /// </remarks>
    public static ScimProvisioningBuilder AddPostgreSqlStore(this ScimProvisioningBuilder builder, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<PostgreSqlStoreOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStoreOptions>, PostgreSqlStoreOptionsValidator>());
        builder.Services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value;
            return new PostgreSqlStoreProvider(
                PostgreSqlDatabase.Create(options.ConnectionString!, options.MaxRetries),
                ownsDatabase: true,
                sp.GetRequiredService<ScimSchemaRegistry>(),
                sp.GetRequiredService<TimeProvider>(),
                options);
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<IScimStoreProvider>(sp => sp.GetRequiredService<PostgreSqlStoreProvider>()));

        // Settings share the provider's database (one connection pool); a host's own settings store wins, another store package's is replaced.
        SettingsStoreRegistration.Add(builder.Services, sp => new PostgreSqlSettingsStore(
            sp.GetRequiredService<PostgreSqlStoreProvider>().Database,
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Stores Users, Groups and memberships in the PostgreSQL database a connection string names.</summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Same as <see cref="AddPostgreSqlStore"/> with <see cref="PostgreSqlStoreOptions.ConnectionString"/> set.</remarks>
    public static ScimProvisioningBuilder UsePostgreSqlStore(this ScimProvisioningBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.AddPostgreSqlStore(o => o.ConnectionString = connectionString);
    }
}
