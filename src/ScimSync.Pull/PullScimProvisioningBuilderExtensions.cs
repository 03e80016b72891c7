// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScimSync.Pull;
using ScimSync.Pull.Internal;
using ScimSync.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers pull sources: connections fed by an identity provider's own API.</summary>
public static class PullScimProvisioningBuilderExtensions
{
    /// <summary>The configuration key of the directory where the default state store keeps cursors.</summary>
    public const string StateDirectoryKey = "ScimSync:PullStateDirectory";

    /// <summary>
    /// Adds connection <paramref name="name"/> fed by a pull source: a connection that serves no HTTP requests
    /// (<see cref="ScimConnectionOptions.AcceptsRequests"/> off), whose mapping policies are configured as any
    /// connection's (<c>AddConnection(name, c =&gt; c.UsePolicies(…))</c>). Connector packages call this from their own
    /// <c>Add…Source</c>. Registers the options (bound from <c>{configurationSection}:{name}</c>, then changed by
    /// <paramref name="configure"/>, validated at start), <see cref="PullSynchronizer"/>, the state store (a
    /// <see cref="FilePullStateStore"/> in <c>ScimSync:PullStateDirectory</c>, by default
    /// <c>{LocalApplicationData}/ScimSync/pull</c>; register another <see cref="IPullStateStore"/> after this call to
    /// replace it) and the hosted service that runs sources with an <see cref="PullSourceOptions.Interval"/>.
    /// </summary>
    /// <typeparam name="TOptions">The connector's options.</typeparam>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="name">The connection's name.</param>
    /// <param name="identityProvider">The identity provider the connection stands for.</param>
    /// <param name="configurationSection">The section the options are bound from, for example <c>ScimSync:MicrosoftGraph</c>.</param>
    /// <param name="configure">Sets the options after the binding, or <see langword="null"/>.</param>
    /// <param name="createSource">Creates the source for one run from the options of that moment.</param>
    /// <returns>The builder.</returns>
    public static ScimProvisioningBuilder AddPullSource<TOptions>(
        this ScimProvisioningBuilder builder,
        string name,
        IdentityProvider identityProvider,
        string configurationSection,
        Action<TOptions>? configure,
        Func<IServiceProvider, TOptions, IIdentitySource> createSource)
        where TOptions : PullSourceOptions
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationSection);
        ArgumentNullException.ThrowIfNull(createSource);
        builder.AddConnection(name, c =>
        {
            c.Options.AcceptsRequests = false;
            c.UseIdentityProvider(identityProvider);
        });

        var services = builder.Services;

        // Configuration first, so that code given here wins.
        services.AddSingleton<IConfigureOptions<TOptions>>(sp => new ConfigureNamedOptions<TOptions>(name, o =>
            sp.GetService<IConfiguration>()?.GetSection(configurationSection + ":" + name).Bind(o)));
        var options = services.AddOptions<TOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new SourceOptionsValidator<TOptions>(name, configurationSection));
        services.AddSingleton(sp => new PullSourceRegistration(
            name,
            () => sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name),
            () => createSource(sp, sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name))));

        services.TryAddSingleton<IPullStateStore>(sp => new FilePullStateStore(
            sp.GetService<IConfiguration>()?[StateDirectoryKey]
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ScimSync", "pull")));
        services.TryAddSingleton(sp => new PullSynchronizer(
            sp.GetRequiredService<ScimProvisioner>(),
            sp.GetRequiredService<ScimPolicyPreview>(),
            sp.GetRequiredService<IPullStateStore>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<PullSynchronizer>>() ?? Logging.Abstractions.NullLogger<PullSynchronizer>.Instance,
            sp.GetServices<PullSourceRegistration>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PullSyncService>(sp => new PullSyncService(
            sp.GetRequiredService<PullSynchronizer>(),
            sp.GetServices<PullSourceRegistration>(),
            sp.GetRequiredService<IPullStateStore>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<PullSyncService>>() ?? Logging.Abstractions.NullLogger<PullSyncService>.Instance)));
        return builder;
    }

    private sealed class SourceOptionsValidator<TOptions>(string name, string section) : IValidateOptions<TOptions>
        where TOptions : PullSourceOptions
    {
        public ValidateOptionsResult Validate(string? optionsName, TOptions options)
        {
            if (!string.Equals(optionsName, name, StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Skip;
            }

            var problems = options.Validate();
            return problems.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(problems.Select(p => $"{section}:{name}: {p}"));
        }
    }
}
