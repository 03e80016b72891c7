// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ScimSync.Policies;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Pull.Tests;

/// <summary>ScimProvisioning over the in-memory store with one pull source fed by a <see cref="FakeIdentitySource"/>.</summary>
public sealed class PullSyncHost : IAsyncDisposable
{
    public const string Connection = "idp";

    private readonly ServiceProvider _services;

    private PullSyncHost(ServiceProvider services, FakeIdentitySource source, FakeTimeProvider time, string name)
    {
        _services = services;
        Name = name;
        Source = source;
        Time = time;
    }

    /// <summary>Gets the connection's name.</summary>
    public string Name { get; }

    public FakeIdentitySource Source { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _services;

    public PullSynchronizer Synchronizer => _services.GetRequiredService<PullSynchronizer>();

    public ScimProvisioner Provisioner => _services.GetRequiredService<ScimProvisioner>();

    public IPullStateStore State => _services.GetRequiredService<IPullStateStore>();

    public static PullSyncHost Create(
        FakeIdentitySource? source = null,
        Action<PullSourceOptions>? configure = null,
        Action<ProvisioningPolicyOptions>? policies = null,
        IPullStateStore? state = null,
        string connection = Connection)
    {
        source ??= new FakeIdentitySource();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddScimProvisioning(scim =>
        {
            scim.AddInMemoryStore();
            scim.AddPullSource<PullSourceOptions>(connection, IdentityProvider.Generic, "ScimSync:Fake", configure, (_, _) => source);
            if (policies is not null)
            {
                scim.AddConnection(connection, c => c.UsePolicies(policies));
            }
        });
        services.AddSingleton(state ?? new InMemoryPullStateStore());
        return new PullSyncHost(services.BuildServiceProvider(), source, time, connection);
    }

    public Task<PullSyncResult> SyncAsync(PullSyncMode mode = PullSyncMode.Full) => Synchronizer.SyncAsync(Name, mode);

    public async Task<List<StoredResource>> UsersAsync() =>
        [.. (await Provisioner.ListAsync(Name, ScimResourceKind.User, new ListQuery { Count = 1000 })).Resources];

    public async Task<List<StoredResource>> GroupsAsync() =>
        [.. (await Provisioner.ListAsync(Name, ScimResourceKind.Group, new ListQuery { Count = 1000 })).Resources];

    public async Task<StoredResource?> UserAsync(string externalId) =>
        (await UsersAsync()).SingleOrDefault(u => (string?)u.Resource["externalId"] == externalId);

    public async Task<StoredResource?> GroupAsync(string externalId) =>
        (await GroupsAsync()).SingleOrDefault(g => (string?)g.Resource["externalId"] == externalId);

    public async Task<List<string>> MemberExternalIdsAsync(string groupExternalId)
    {
        var users = (await UsersAsync()).ToDictionary(u => u.Id, u => (string)u.Resource["externalId"]!);
        var group = await GroupAsync(groupExternalId) ?? throw new InvalidOperationException("No group " + groupExternalId);
        return [.. (group.Resource["members"] as JsonArray ?? []).Select(m => users[(string)m!["value"]!]).Order(StringComparer.Ordinal)];
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
