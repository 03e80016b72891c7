// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ScimSync.Pull.Internal;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Pull;

/// <summary>
/// Syncs pull sources (registered with <c>AddMicrosoftGraphSource</c>, <c>AddOktaSource</c> or <c>AddPullSource</c>)
/// into their connections through <see cref="ScimProvisioner"/>: the same validation, mapping policies, safety brake
/// and provisioning log as SCIM requests. A singleton; runs on demand here, on a schedule through the hosted service.
/// </summary>
/// <remarks>
/// One run at a time per connection (a drift report counts as a run): a second call for a connection whose run is
/// still going fails at once with <see cref="InvalidOperationException"/> rather than queueing (a scheduled run that
/// finds one in progress is skipped and logged). Runs of different connections proceed in parallel.
/// </remarks>
public sealed class PullSynchronizer
{
    private readonly ScimProvisioner _provisioner;
    private readonly ScimPolicyPreview _preview;
    private readonly IPullStateStore _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, PullSourceRegistration> _sources;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PullSyncResult> _running = new(StringComparer.Ordinal);

    internal PullSynchronizer(
        ScimProvisioner provisioner,
        ScimPolicyPreview preview,
        IPullStateStore state,
        TimeProvider time,
        ILogger<PullSynchronizer> logger,
        IEnumerable<PullSourceRegistration> sources)
    {
        _provisioner = provisioner;
        _preview = preview;
        _state = state;
        _time = time;
        _logger = logger;
        _sources = new Dictionary<string, PullSourceRegistration>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            _sources[source.Connection] = source;
        }
    }

    /// <summary>Gets the connections fed by a pull source.</summary>
    public IReadOnlyCollection<string> Connections => _sources.Keys;

    /// <summary>Gets a value indicating whether a run (or drift report) of a connection is in progress.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns><see langword="true"/> while one is going.</returns>
    public bool IsRunning(string connection) => _gates.TryGetValue(connection, out var gate) && gate.CurrentCount == 0;

    /// <summary>Gets the result of the sync run in progress, whose counts grow as it reads (for progress displays).</summary>
    /// <param name="connection">The connection.</param>
    /// <returns>The live result, or <see langword="null"/> when no sync run is going.</returns>
    public PullSyncResult? GetRunningResult(string connection) => _running.TryGetValue(connection, out var result) ? result : null;

    /// <summary>
    /// Syncs a connection from its source. A full run lists every user and group in scope and, when complete, removes
    /// those no longer listed (unless it saw fewer than <see cref="PullSourceOptions.MinimumSeenRatio"/> of those it
    /// knew); a delta run reads what changed since the last complete run and applies the removals the source reports.
    /// A delta run without cursors, or whose cursor expired, runs in full. A run whose listing fails keeps what it
    /// applied, removes nobody and keeps its old cursors.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="mode">What to read.</param>
    /// <param name="cancellationToken">Cancels the run (what was written stays; nothing is removed).</param>
    /// <returns>The counts, whether the run was complete, and why removals were skipped.</returns>
    /// <exception cref="ArgumentException">No pull source feeds that connection.</exception>
    /// <exception cref="InvalidOperationException">A run of that connection is already in progress.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<PullSyncResult> SyncAsync(string connection, PullSyncMode mode, CancellationToken cancellationToken = default)
    {
        var registration = GetRegistration(connection);
        var gate = await EnterAsync(connection, cancellationToken).ConfigureAwait(false);
        try
        {
            var options = registration.Options();
            var state = await _state.GetAsync(connection, cancellationToken).ConfigureAwait(false);
            if (mode == PullSyncMode.Delta && (state?.UserCursor is null || (options.SyncGroups && state.GroupCursor is null)))
            {
                mode = PullSyncMode.Full;
            }

            var started = _time.GetTimestamp();
            var result = new PullSyncResult(connection, mode, _time.GetUtcNow(), options.MaxErrors);
            _running[connection] = result;
            Log.SyncStarted(_logger, connection, mode);
            var run = new PullRun(connection, options, registration.Source(), _provisioner, _logger, result, state, cancellationToken);
            await run.ExecuteAsync().ConfigureAwait(false);

            result.Finished = _time.GetUtcNow();
            var full = result.Mode == PullSyncMode.Full && result.Complete;
            await _state.SetAsync(
                connection,
                new PullSyncState(
                    result.Complete ? run.UserCursor : state?.UserCursor,
                    result.Complete ? run.GroupCursor : state?.GroupCursor,
                    result.Finished,
                    full ? result.Finished : state?.LastFullRun,
                    full ? 0 : (state?.RunsSinceFull ?? 0) + 1),
                cancellationToken).ConfigureAwait(false);
            var elapsed = _time.GetElapsedTime(started);
            LogFinished(result, elapsed);
            PullSyncTelemetry.Record(result, elapsed);
            return result;
        }
        finally
        {
            _running.TryRemove(connection, out _);
            gate.Release();
        }
    }

    /// <summary>
    /// Compares the identity provider with the store without writing anything: lists everything in scope, as a full
    /// run would, and reports what differs. Cursors and state are left as they are.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="cancellationToken">Cancels the comparison.</param>
    /// <returns>The differences.</returns>
    /// <exception cref="ArgumentException">No pull source feeds that connection.</exception>
    /// <exception cref="InvalidOperationException">A run of that connection is in progress.</exception>
    public async Task<DriftReport> DriftAsync(string connection, CancellationToken cancellationToken = default)
    {
        var registration = GetRegistration(connection);
        var gate = await EnterAsync(connection, cancellationToken).ConfigureAwait(false);
        try
        {
            var report = new DriftReport(connection, _time.GetUtcNow());
            var store = new StoreSnapshot(_provisioner, connection, cancellationToken);
            var options = registration.Options();
            var drift = new DriftRun(registration.Source(), store, options.SyncGroups, report, cancellationToken);
            try
            {
                await drift.ExecuteAsync().ConfigureAwait(false);
            }
            catch (ScimStoreUnavailableException e)
            {
                report.Complete = false;
                report.ErrorList.Add("The store was unavailable: " + e.Message);
            }

            report.Finished = _time.GetUtcNow();
            Log.DriftFinished(_logger, connection, report.Complete, report.Items.Count, report.UsersCompared, report.GroupsCompared);
            return report;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Looks one user up by login and shows what a sync would make of it: the record as the API answered, the mapped
    /// SCIM user and the connection's policy dry run. Writes nothing.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="login">The login as an operator typed it.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>What was found.</returns>
    /// <exception cref="ArgumentException">No pull source feeds that connection.</exception>
    public async Task<PullUserTest> TestUserAsync(string connection, string login, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(login);
        var registration = GetRegistration(connection);
        SourceUser? user;
        try
        {
            user = await registration.Source().FindUserAsync(login.Trim(), cancellationToken).ConfigureAwait(false);
        }
        catch (IdentitySourceException e)
        {
            return new PullUserTest(false, null, null, null, $"The lookup failed ({e.Kind}): {e.Message}");
        }

        if (user?.Resource is null)
        {
            return new PullUserTest(false, user?.Raw, null, null, null);
        }

        var resource = ResourceComparer.ForWriting(user.Resource);
        var preview = await _preview.PreviewUserAsync(connection, (JsonObject)resource.DeepClone(), cancellationToken).ConfigureAwait(false);
        return new PullUserTest(true, user.Raw, resource, preview, null);
    }

    private PullSourceRegistration GetRegistration(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return _sources.TryGetValue(connection, out var registration)
            ? registration
            : throw new ArgumentException($"No pull source feeds connection '{connection}'.", nameof(connection));
    }

    private async Task<SemaphoreSlim> EnterAsync(string connection, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(connection, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"A pull sync of connection '{connection}' is already running.");
        }

        return gate;
    }

    private void LogFinished(PullSyncResult r, TimeSpan elapsed) => Log.SyncFinished(
        _logger, r.Connection, r.Mode, r.Complete, elapsed,
        r.Users.Seen, r.Users.Created, r.Users.Updated, r.Users.Unchanged, r.Users.Deactivated, r.Users.Removed, r.Users.Held, r.Users.Failed,
        r.Groups.Seen, r.Groups.Created, r.Groups.Updated, r.Groups.Unchanged, r.Groups.Removed, r.Groups.Held, r.Groups.Failed);
}
