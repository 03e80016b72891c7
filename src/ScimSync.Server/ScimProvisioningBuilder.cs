// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ScimSync.Provisioning;
using ScimSync.Stores;

namespace ScimSync.Server;

/// <summary>
/// Configures the SCIM service provider. Returned by <c>AddScimProvisioning()</c>; store and source packages add
/// their own extension methods to it.
/// </summary>
public sealed class ScimProvisioningBuilder
{
    /// <summary>Initializes a new builder over a service collection.</summary>
    /// <param name="services">The services.</param>
    public ScimProvisioningBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>Gets the service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Changes <see cref="ScimServerOptions"/>.</summary>
    /// <param name="configure">The change.</param>
    /// <returns>This builder.</returns>
    public ScimProvisioningBuilder Configure(Action<ScimServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>
    /// Adds (or changes) a provisioning connection: an identity provider that provisions through
    /// <c>{prefix}/{name}/v2</c> with its own credentials, quirk handling and directory.
    /// </summary>
    /// <param name="name">The connection name, also its URL segment: letters, digits, <c>-</c> and <c>_</c>.</param>
    /// <param name="configure">Sets the connection's credentials and behaviour.</param>
    /// <returns>This builder.</returns>
    /// <example>
    /// <code>
    /// scim.AddConnection("entra", c => c.UseBearerToken(token).UseIdentityProvider(IdentityProvider.EntraId));
    /// </code>
    /// </example>
    public ScimProvisioningBuilder AddConnection(string name, Action<ScimConnectionBuilder> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o =>
        {
            if (!o.Connections.TryGetValue(name, out var connection))
            {
                connection = new ScimConnectionOptions();
                o.Connections[name] = connection;
            }

            configure(new ScimConnectionBuilder(connection));
        });
    }

    /// <summary>
    /// Binds <see cref="ScimServerOptions"/> (connections included) to a configuration section, for example
    /// <c>appsettings.json</c>'s <c>"ScimSync"</c>. Code-based settings made after this call win.
    /// </summary>
    /// <param name="sectionPath">The section, <c>:</c>-separated.</param>
    /// <returns>This builder.</returns>
    public ScimProvisioningBuilder BindConfiguration(string sectionPath = "ScimSync")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionPath);
        Services.AddOptions<ScimServerOptions>().BindConfiguration(sectionPath);
        return this;
    }

    /// <summary>
    /// Records requests and changes in <typeparamref name="TLog"/> (a singleton) instead of the default in-memory
    /// ring, replacing any log registered earlier.
    /// </summary>
    /// <typeparam name="TLog">The provisioning log type.</typeparam>
    /// <returns>This builder.</returns>
    public ScimProvisioningBuilder AddProvisioningLog<TLog>()
        where TLog : class, IProvisioningLog
    {
        Services.Replace(ServiceDescriptor.Singleton<IProvisioningLog, TLog>());
        return this;
    }

    /// <summary>Changes <see cref="ScimProvisioningLogOptions"/> (queue size, in-memory capacity, whether reads are recorded).</summary>
    /// <param name="configure">The change.</param>
    /// <returns>This builder.</returns>
    public ScimProvisioningBuilder ConfigureProvisioningLog(Action<ScimProvisioningLogOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Uses <typeparamref name="TStore"/> (scoped) as the <c>User</c> store, replacing any earlier one.</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <returns>This builder.</returns>
    public ScimProvisioningBuilder AddUserStore<TStore>()
        where TStore : class, IUserStore
    {
        Services.Replace(ServiceDescriptor.Scoped<IUserStore, TStore>());
        return this;
    }

    /// <summary>Uses <typeparamref name="TStore"/> (scoped) as the <c>Group</c> store, replacing any earlier one.</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <returns>This builder.</returns>
    public ScimProvisioningBuilder AddGroupStore<TStore>()
        where TStore : class, IGroupStore
    {
        Services.Replace(ServiceDescriptor.Scoped<IGroupStore, TStore>());
        return this;
    }
}
