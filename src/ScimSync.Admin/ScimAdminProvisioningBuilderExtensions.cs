// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScimSync.Admin;
using ScimSync.Admin.Internal;
using ScimSync.Server;
using ScimSync.Stores;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ScimSync operator console.</summary>
public static class ScimAdminProvisioningBuilderExtensions
{
    /// <summary>
    /// Adds the operator console's services: <see cref="ScimConsoleSettings"/> (connections, tokens and policies
    /// changed at run time, kept in the host's <see cref="IScimSettingsStore"/> and laid over configuration) and what
    /// its pages need. Map the pages with <c>app.MapScimAdmin(prefix, authorizationPolicy)</c>.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Changes the console's options.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The store packages register an <see cref="IScimSettingsStore"/> with their store (<c>AddSqliteStore</c>,
    /// <c>UsePostgreSqlStore</c>, <c>AddInMemoryStore</c>); a host with stores of its own registers one too. The host
    /// fails to start without one.
    /// </remarks>
    public static ScimProvisioningBuilder AddOperatorConsole(this ScimProvisioningBuilder builder, Action<ScimAdminOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddAntiforgery();
        var options = services.AddOptions<ScimAdminOptions>()
            .Validate(o => o.RefreshInterval >= TimeSpan.Zero, "ScimAdminOptions.RefreshInterval must not be negative.")
            .Validate(o => o.LogPageSize is >= 1 and <= 1000, "ScimAdminOptions.LogPageSize must be from 1 to 1000.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Title), "ScimAdminOptions.Title must not be empty.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(ConsoleSettingsOverlay)))
        {
            return builder;
        }

        services.AddSingleton<ConsoleSettingsOverlay>();
        services.AddSingleton<IPostConfigureOptions<ScimServerOptions>>(sp => sp.GetRequiredService<ConsoleSettingsOverlay>());
        services.AddSingleton<IOptionsChangeTokenSource<ScimServerOptions>>(sp => sp.GetRequiredService<ConsoleSettingsOverlay>());
        services.AddSingleton<LdapSettingsOverlay>();
        services.AddSingleton<IPostConfigureOptions<ScimSync.Ldap.LdapSourceOptions>>(sp => sp.GetRequiredService<LdapSettingsOverlay>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ScimConsoleSettings(
            sp.GetService<IScimSettingsStore>() ?? throw new InvalidOperationException(
                "The operator console keeps its settings in an IScimSettingsStore, and none is registered: add a store package's store " +
                "(AddSqliteStore, UsePostgreSqlStore, AddInMemoryStore) or register an IScimSettingsStore of your own."),
            sp.GetRequiredService<ConsoleSettingsOverlay>(),
            sp.GetRequiredService<LdapSettingsOverlay>(),
            sp,
            sp.GetRequiredService<IOptionsMonitor<ScimServerOptions>>(),
            sp.GetRequiredService<IOptionsFactory<ScimServerOptions>>(),
            sp.GetRequiredService<IScimTokenActivity>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ScimConsoleSettings>>()));
        services.AddSingleton<ConsoleRuns>();

        // First of the hosted services, so the saved settings are in force before any other starts (a directory
        // sync's first run, a pull schedule).
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, ConsoleSettingsRefresher>());
        return builder;
    }
}
