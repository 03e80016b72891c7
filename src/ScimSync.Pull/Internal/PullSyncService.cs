// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ScimSync.Pull.Internal;

/// <summary>
/// Runs each pull source that has an <see cref="PullSourceOptions.Interval"/>: once at start, then every interval.
/// A run is a delta run when <see cref="PullSourceOptions.DeltaSync"/> is on and cursors exist, except every
/// <see cref="PullSourceOptions.FullSyncEvery"/>th run, which is full. A run still going when the next is due is skipped.
/// </summary>
internal sealed class PullSyncService : BackgroundService
{
    private readonly PullSynchronizer _synchronizer;
    private readonly Dictionary<string, PullSourceRegistration> _sources;
    private readonly IPullStateStore _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PullSyncService(PullSynchronizer synchronizer, IEnumerable<PullSourceRegistration> sources, IPullStateStore state, TimeProvider time, ILogger<PullSyncService> logger)
    {
        _synchronizer = synchronizer;
        _sources = sources.GroupBy(s => s.Connection, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _state = state;
        _time = time;
        _logger = logger;
    }

    internal async Task<PullSyncMode> NextModeAsync(string connection, CancellationToken cancellationToken)
    {
        var options = _sources[connection].Options();
        if (!options.DeltaSync)
        {
            return PullSyncMode.Full;
        }

        var state = await _state.GetAsync(connection, cancellationToken).ConfigureAwait(false);
        return state?.UserCursor is null || state.RunsSinceFull + 1 >= options.FullSyncEvery ? PullSyncMode.Full : PullSyncMode.Delta;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new List<Task>();
        foreach (var (connection, registration) in _sources)
        {
            if (registration.Options().Interval is { } interval)
            {
                Log.Scheduled(_logger, connection, interval);
                loops.Add(RunScheduleAsync(connection, interval, stoppingToken));
            }
        }

        return Task.WhenAll(loops);
    }

    private async Task RunScheduleAsync(string connection, TimeSpan interval, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            do
            {
                await RunOnceAsync(connection, stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
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
