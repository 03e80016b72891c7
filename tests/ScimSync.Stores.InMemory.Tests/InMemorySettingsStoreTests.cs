// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using ScimSync.Conformance;
using ScimSync.Stores.InMemory.Internal;

namespace ScimSync.Stores.InMemory.Tests;

/// <summary>Runs the settings store contract against the in-memory store (as <c>AddInMemoryStore</c> registers it).</summary>
public sealed class InMemorySettingsStoreTests : ScimSettingsStoreContractTests
{
    [Fact]
    public void AddInMemoryStore_RegistersOneSettingsStore()
    {
        var services = new ServiceCollection();
        services.AddScimProvisioning(scim => scim.AddInMemoryStore().AddInMemoryStore());
        using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IScimSettingsStore>();

        Assert.IsType<InMemorySettingsStore>(store);
        Assert.Same(store, provider.GetRequiredService<IScimSettingsStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IScimSettingsStore));
    }

    [Fact]
    public void AddInMemoryStore_HostRegisteredItsOwnSettingsStore_KeepsTheHosts()
    {
        var own = new InMemorySettingsStore();
        var services = new ServiceCollection();
        services.AddSingleton<IScimSettingsStore>(own);
        services.AddScimProvisioning(scim => scim.AddInMemoryStore());
        using var provider = services.BuildServiceProvider();

        Assert.Same(own, provider.GetRequiredService<IScimSettingsStore>());
    }

    protected override Task<IScimSettingsStore> CreateStoreAsync()
    {
        var services = new ServiceCollection();
        services.AddScimProvisioning(scim => scim.AddInMemoryStore());
        return Task.FromResult(services.BuildServiceProvider().GetRequiredService<IScimSettingsStore>());
    }
}
