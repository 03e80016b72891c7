// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Ldap;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Benchmarks.Scale;

/// <summary>
/// Full sync of a real directory into a fresh SQLite store, then a second full sync (nothing changed), measuring
/// time and memory. Needs a slapd from <c>eng/ldap/start-slapd.sh --users N</c> and its env file exported.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release -- ldap-sync [--dir /dev/shm/scimsync-ldap] [--groups-too]</c>. Reports the wall time of
/// each run, users per second, the process's peak working set and the managed heap after the runs.
/// </remarks>
internal static class LdapSyncScale
{
    public static async Task<int> RunAsync(string[] args)
    {
        var dir = Option(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "scimsync-ldap-scale");
        var groups = args.Contains("--groups-too");
        string Env(string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set: export the env file of eng/ldap/start-slapd.sh.");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScimProvisioning(scim => scim
            .AddSqliteStore(o => o.DatabasePath = Path.Combine(dir, "scim.db"))
            .AddLdapSource("ldap", o =>
            {
                o.Server = new LdapServerOptions
                {
                    Host = Env("LDAP_HOST"),
                    Port = int.Parse(Env("LDAP_PORT"), CultureInfo.InvariantCulture),
                    Security = LdapSecurity.None,
                    BindDn = Env("LDAP_BIND_DN"),
                    BindPassword = Env("LDAP_BIND_PASSWORD"),
                    PageSize = 1000,
                };
                o.Profile = LdapProfileKind.OpenLdap;
                o.UserBaseDns.Add("ou=people," + Env("LDAP_BASE_DN"));
                o.GroupBaseDns.Add("ou=groups," + Env("LDAP_BASE_DN"));
                o.SyncGroups = groups;
            }));
        services.AddSingleton<ILdapSyncStateStore>(new InMemoryLdapSyncStateStore());
        await using var provider = services.BuildServiceProvider();
        var synchronizer = provider.GetRequiredService<LdapSynchronizer>();

        Console.WriteLine($"LDAP full sync into SQLite ({dir}), groups: {(groups ? "yes" : "no")}, {Environment.ProcessorCount} cores");
        foreach (var label in new[] { "first full sync (creates)", "second full sync (unchanged)" })
        {
            var started = Stopwatch.GetTimestamp();
            var result = await synchronizer.SyncAsync("ldap", LdapSyncMode.Full);
            var elapsed = Stopwatch.GetElapsedTime(started);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {elapsed.TotalSeconds:F1} s, users seen {result.Users.Seen} (created {result.Users.Created}, updated {result.Users.Updated}, unchanged {result.Users.Unchanged}, failed {result.Users.Failed}), groups created {result.Groups.Created}, {result.Users.Seen / elapsed.TotalSeconds:F0} users/s, complete {result.Complete}"));
        }

        var total = await provider.GetRequiredService<ScimProvisioner>().ListAsync("ldap", ScimResourceKind.User, new ListQuery { Count = 0 });
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        GC.Collect();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"users in store {total.TotalResults}; peak working set {process.PeakWorkingSet64 / (1024.0 * 1024):F0} MiB; managed heap after the runs {GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024):F1} MiB; max GC heap size seen {GC.GetGCMemoryInfo().HeapSizeBytes / (1024.0 * 1024):F0} MiB"));
        SqliteConnection.ClearAllPools();
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
