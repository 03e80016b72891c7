// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ScimSync.Policies;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Ldap.Tests.Sync;

/// <summary>ScimProvisioning over the in-memory store with one LDAP source fed by a fake directory.</summary>
public sealed class LdapSyncHost : IAsyncDisposable
{
    public const string Connection = "corp";

    private readonly ServiceProvider _services;

    private LdapSyncHost(ServiceProvider services, FakeLdapDirectory directory, WaitCountingTimeProvider time)
    {
        _services = services;
        Directory = directory;
        Time = time;
    }

    public FakeLdapDirectory Directory { get; }

    public WaitCountingTimeProvider Time { get; }

    public IServiceProvider Services => _services;

    public LdapSynchronizer Synchronizer => _services.GetRequiredService<LdapSynchronizer>();

    public ScimProvisioner Provisioner => _services.GetRequiredService<ScimProvisioner>();

    public static LdapSyncHost Create(
        FakeLdapDirectory directory,
        Action<LdapSourceOptions>? configure = null,
        Action<ProvisioningPolicyOptions>? policies = null,
        ILdapSyncStateStore? state = null,
        string? sqlitePath = null,
        string connection = Connection)
    {
        var time = new WaitCountingTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddScimProvisioning(scim =>
        {
            if (sqlitePath is null)
            {
                scim.AddInMemoryStore();
            }
            else
            {
                scim.AddSqliteStore(o => o.DatabasePath = sqlitePath);
            }

            scim.AddLdapSource(connection, o =>
            {
                o.Profile = LdapProfileKind.ActiveDirectory;
                o.UserFilter = "(objectClass=user)";
                o.UserBaseDns.Add(LdapTestData.People);
                o.GroupBaseDns.Add(LdapTestData.Groups);
                configure?.Invoke(o);
            });
            if (policies is not null)
            {
                scim.AddConnection(connection, c => c.UsePolicies(policies));
            }
        });
        services.AddSingleton<ILdapDirectoryFactory>(directory);
        services.AddSingleton(state ?? new InMemoryLdapSyncStateStore());
        return new LdapSyncHost(services.BuildServiceProvider(), directory, time);
    }

    public async Task<List<StoredResource>> UsersAsync() =>
        [.. (await Provisioner.ListAsync(Connection, ScimResourceKind.User, new ListQuery { Count = 1000 })).Resources];

    public async Task<List<StoredResource>> GroupsAsync() =>
        [.. (await Provisioner.ListAsync(Connection, ScimResourceKind.Group, new ListQuery { Count = 1000 })).Resources];

    public async Task<StoredResource> UserAsync(string login) =>
        (await UsersAsync()).Single(u => (string?)u.Resource["userName"] == login);

    public async Task<StoredResource> GroupAsync(string name) =>
        (await GroupsAsync()).Single(g => (string?)g.Resource["displayName"] == name);

    public static IEnumerable<string> MemberIds(StoredResource group) =>
        (group.Resource["members"] as JsonArray ?? []).Select(m => (string)m!["value"]!);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>
/// A fake clock that counts the long waits started on it (a scheduler waiting for its next run), so a test can advance
/// the clock only once the wait is registered. Advancing before that would start the wait from the later time.
/// </summary>
public sealed class WaitCountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _longWaits;

    /// <summary>Gets the number of timers created with a due time of a minute or more.</summary>
    public int LongWaits => Volatile.Read(ref _longWaits);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Counted once the timer exists: counted first, a test could advance the clock before the timer was created,
        // which then started its wait from the later time and never fired (the schedule test failed so, now and then).
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime >= TimeSpan.FromMinutes(1))
        {
            Interlocked.Increment(ref _longWaits);
        }

        return timer;
    }
}
