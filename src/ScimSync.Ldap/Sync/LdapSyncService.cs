// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ScimSync.Ldap.Sync;

/// <summary>
/// Runs each LDAP source that has an <see cref="LdapSourceOptions.Interval"/>: once at start, then every interval
/// (read again each round).
/// A run is full unless <see cref="LdapSourceOptions.IncrementalSync"/> is on and a high-water mark exists; then every
/// <see cref="LdapSourceOptions.FullSyncEvery"/>th run is full. A run still going when the next is due is skipped.
/// </summary>
internal sealed class LdapSyncService : BackgroundService
{
    private readonly LdapSynchronizer _synchronizer;
    private readonly IOptionsMonitor<LdapSourceOptions> _options;
    private readonly ILdapSyncStateStore _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public LdapSyncService(LdapSynchronizer synchronizer, IOptionsMonitor<LdapSourceOptions> options, ILdapSyncStateStore state, TimeProvider time, ILogger<LdapSyncService> logger)
    {
        _synchronizer = synchronizer;
        _options = options;
        _state = state;
        _time = time;
        _logger = logger;
    }

    private static readonly TimeSpan UnscheduledRecheck = TimeSpan.FromMinutes(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_synchronizer.Connections.Select(connection => RunScheduleAsync(connection, stoppingToken)));

    internal async Task<LdapSyncMode> NextModeAsync(string connection, CancellationToken cancellationToken)
    {
        var options = _options.Get(connection);
        if (!options.IncrementalSync)
        {
            return LdapSyncMode.Full;
        }

        var state = await _state.GetAsync(connection, cancellationToken).ConfigureAwait(false);
        return state?.HighWaterMark is null || state.RunsSinceFull + 1 >= options.FullSyncEvery ? LdapSyncMode.Full : LdapSyncMode.Incremental;
    }

    /// <summary>
    /// Runs a source on its schedule. The interval is read again each round, so a change (a configuration reload, the
    /// operator console) applies from the next round; a source without one is looked at again every minute.
    /// </summary>
    private async Task RunScheduleAsync(string connection, CancellationToken stoppingToken)
    {
        await Task.Yield();
        TimeSpan? announced = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (_options.Get(connection).Interval is not { } interval || interval <= TimeSpan.Zero)
                {
                    announced = null;
                    await Task.Delay(UnscheduledRecheck, _time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                if (announced != interval)
                {
                    Log.Scheduled(_logger, connection, interval);
                    announced = interval;
                }

                // The next run is due an interval after this one started (a fixed rate, as a timer would tick).
                var due = _time.GetUtcNow() + interval;
                await RunOnceAsync(connection, stoppingToken).ConfigureAwait(false);
                var wait = due - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RunOnceAsync(string connection, CancellationToken stoppingToken)
    {
        try
        {
            var mode = await NextModeAsync(connection, stoppingToken).ConfigureAwait(false);
            await _synchronizer.SyncAsync(connection, mode, stoppingToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException) when (_synchronizer.IsRunning(connection))
        {
            Log.ScheduledRunSkipped(_logger, connection);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // A scheduled run must never stop the schedule (or the host): log and try again next interval.
            Log.ScheduledRunFailed(_logger, e, connection);
        }
    }
}
