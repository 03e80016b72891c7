// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScimSync.Ldap;
using ScimSync.Ldap.Sync;
using ScimSync.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers LDAP directory sources.</summary>
public static class LdapScimProvisioningBuilderExtensions
{
    /// <summary>The configuration section of a source's options: <c>ScimSync:Ldap:{connection}</c>.</summary>
    public const string ConfigurationSection = "ScimSync:Ldap";

    /// <summary>The configuration key of the directory where the default state store keeps high-water marks.</summary>
    public const string StateDirectoryKey = "ScimSync:LdapStateDirectory";

    /// <summary>
    /// Adds connection <paramref name="name"/> fed by an LDAP directory: a connection that serves no HTTP requests
    /// (<see cref="ScimConnectionOptions.AcceptsRequests"/> off) with <see cref="IdentityProvider.Ldap"/>, whose
    /// mapping policies are configured as any connection's (<c>AddConnection(name, c =&gt; c.UsePolicies(…))</c>).
    /// Registers the source's options (bound from <c>ScimSync:Ldap:{name}</c>, then changed by
    /// <paramref name="configure"/>, validated at start), <see cref="LdapSynchronizer"/>, the state store (a
    /// <see cref="FileLdapSyncStateStore"/> in <c>ScimSync:LdapStateDirectory</c>, by default
    /// <c>{LocalApplicationData}/ScimSync/ldap</c>; register another <see cref="ILdapSyncStateStore"/> after this call
    /// to replace it) and the hosted service that runs sources with an <see cref="LdapSourceOptions.Interval"/>.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="name">The connection's name.</param>
    /// <param name="configure">Sets the source's options.</param>
    /// <returns>The builder.</returns>
    public static ScimProvisioningBuilder AddLdapSource(this ScimProvisioningBuilder builder, string name, Action<LdapSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddConnection(name, c =>
        {
            c.Options.AcceptsRequests = false;
            c.UseIdentityProvider(IdentityProvider.Ldap);
        });

        var services = builder.Services;
        services.AddSingleton(new LdapSourceRegistration(name));

        // Configuration first, so that code given here wins.
        services.AddSingleton<IConfigureOptions<LdapSourceOptions>>(sp => new ConfigureNamedOptions<LdapSourceOptions>(name, o =>
            sp.GetService<IConfiguration>()?.GetSection(ConfigurationSection + ":" + name).Bind(o)));
        services.AddOptions<LdapSourceOptions>(name).Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LdapSourceOptions>>(new LdapSourceOptionsValidator(name));

        services.TryAddSingleton<ILdapSyncStateStore>(sp => new FileLdapSyncStateStore(
            sp.GetService<IConfiguration>()?[StateDirectoryKey]
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ScimSync", "ldap")));
        services.TryAddSingleton(sp => new LdapSynchronizer(
            sp.GetService<ILdapDirectoryFactory>() ?? throw new InvalidOperationException(
                "No ILdapDirectoryFactory is registered."),
            sp.GetRequiredService<ScimProvisioner>(),
            sp.GetRequiredService<ScimPolicyPreview>(),
            sp.GetRequiredService<IOptionsMonitor<LdapSourceOptions>>(),
            sp.GetRequiredService<ILdapSyncStateStore>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<LdapSynchronizer>>() ?? Logging.Abstractions.NullLogger<LdapSynchronizer>.Instance,
            sp.GetServices<LdapSourceRegistration>()));
        services.TryAddSingleton<ILdapDirectoryFactory, LdapDirectoryFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LdapSyncService>(sp => new LdapSyncService(
            sp.GetRequiredService<LdapSynchronizer>(),
            sp.GetRequiredService<IOptionsMonitor<LdapSourceOptions>>(),
            sp.GetRequiredService<ILdapSyncStateStore>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<LdapSyncService>>() ?? Logging.Abstractions.NullLogger<LdapSyncService>.Instance)));
        return builder;
    }

    private sealed class LdapSourceOptionsValidator(string name) : IValidateOptions<LdapSourceOptions>
    {
        public ValidateOptionsResult Validate(string? optionsName, LdapSourceOptions options)
        {
            if (!string.Equals(optionsName, name, StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Skip;
            }

            var problems = options.Validate();
            return problems.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(problems.Select(p => $"ScimSync:Ldap:{name}: {p}"));
        }
    }
}
