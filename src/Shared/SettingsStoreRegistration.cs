// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using ScimSync.Stores;

namespace ScimSync.Internal;

/// <summary>
/// How a store package registers its <see cref="IScimSettingsStore"/>: like the user and group stores, the last store
/// package added wins (so <c>AddInMemoryStore()</c> then <c>AddSqliteStore()</c> keeps the settings in SQLite, not in
/// memory), while a settings store the host registered itself always stays.
/// </summary>
internal static class SettingsStoreRegistration
{
    public static void Add(IServiceCollection services, Func<IServiceProvider, IScimSettingsStore> create)
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IScimSettingsStore) && !d.IsKeyedService);
        if (existing is not null)
        {
            if (!FromStorePackage(existing))
            {
                return;
            }

            services.Remove(existing);
        }

        services.AddSingleton(create);
    }

    private static bool FromStorePackage(ServiceDescriptor descriptor)
    {
        // Store packages register factories; anything else (a type, an instance) is the host's.
        var type = descriptor.ImplementationFactory?.Method.DeclaringType;
        return type?.Assembly.GetName().Name?.StartsWith("ScimSync.Stores.", StringComparison.Ordinal) == true;
    }
}
