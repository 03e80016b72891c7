// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    /// <summary>Adds a bearer token that SCIM clients may present (call again to accept several while rotating).</summary>
    /// <param name="token">The token, at least 16 characters.</param>
    /// <returns>This builder.</returns>
    public ScimProvisioningBuilder AddBearerToken(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return Configure(o => o.BearerTokens.Add(token));
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
