// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScimSync.Provisioning;
using ScimSync.Schema;
using ScimSync.Server;
using ScimSync.Server.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SCIM service provider.</summary>
public static class ScimServiceCollectionExtensions
{
    /// <summary>
    /// Adds the SCIM service provider's services and returns a builder to configure them. Safe to call repeatedly.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The builder.</returns>
    public static ScimProvisioningBuilder AddScimProvisioning(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ScimServerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScimServerOptions>, ScimServerOptionsValidator>());
        services.TryAddSingleton<ScimSchemaRegistry>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ScimServerServices>();
        services.TryAddSingleton<ScimConnectionRegistry>();
        services.TryAddSingleton<ScimTokenActivity>();
        services.TryAddSingleton<ScimRateLimitFilter>();
        services.TryAddSingleton(sp => new ScimSafetyBrake(sp.GetRequiredService<ScimConnectionRegistry>(), sp.GetRequiredService<TimeProvider>(), sp));
        services.TryAddSingleton(sp => new ScimProvisioner(sp.GetRequiredService<ScimConnectionRegistry>(), sp.GetRequiredService<IServiceScopeFactory>()));
        services.TryAddSingleton(sp => new ScimPolicyPreview(sp.GetRequiredService<ScimConnectionRegistry>(), sp.GetRequiredService<IServiceScopeFactory>()));
        services.TryAddSingleton<IScimTokenActivity>(sp => sp.GetRequiredService<ScimTokenActivity>());
        services.AddMetrics();
        services.AddOptions<ScimProvisioningLogOptions>()
            .Validate(o => o.QueueCapacity > 0 && o.InMemoryCapacity > 0, "ScimProvisioningLogOptions.QueueCapacity and InMemoryCapacity must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<ScimInstrumentation>();
        services.TryAddSingleton<IProvisioningLog, InMemoryProvisioningLog>();
        services.TryAddSingleton<ProvisioningLogWriter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ProvisioningLogWriter>(sp => sp.GetRequiredService<ProvisioningLogWriter>()));
        return new ScimProvisioningBuilder(services);
    }

    /// <summary>Adds and configures the SCIM service provider's services.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the builder (stores, options, tokens).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddScimProvisioning(this IServiceCollection services, Action<ScimProvisioningBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(services.AddScimProvisioning());
        return services;
    }
}
