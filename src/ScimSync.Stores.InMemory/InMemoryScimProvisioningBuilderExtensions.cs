// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection.Extensions;
using ScimSync.Internal;
using ScimSync.Schema;
using ScimSync.Server;
using ScimSync.Stores;
using ScimSync.Stores.InMemory;
using ScimSync.Stores.InMemory.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the in-memory store.</summary>
public static class InMemoryScimProvisioningBuilderExtensions
{
    /// <summary>
    /// Keeps Users, Groups and memberships in memory (a singleton <see cref="IScimStoreProvider"/>), replacing any
    /// store provider registered earlier. Nothing survives a restart: use it for tests, demos and development.
    /// </summary>
    /// <remarks>
    /// Also registers an in-memory <see cref="IScimSettingsStore"/> for ScimSync's settings documents, unless the host
    /// registered its own.
    /// </remarks>
    /// <param name="builder">The SCIM builder.</param>
    /// <returns>The builder.</returns>
    public static ScimProvisioningBuilder AddInMemoryStore(this ScimProvisioningBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IScimStoreProvider>(sp => new InMemoryScimStoreProvider(
            sp.GetService<ScimSchemaRegistry>(),
            sp.GetService<TimeProvider>())));
        SettingsStoreRegistration.Add(builder.Services, _ => new InMemorySettingsStore());
        return builder;
    }
}
