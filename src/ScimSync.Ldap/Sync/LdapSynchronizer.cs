// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScimSync.Ldap.Sync;
using ScimSync.Server;

namespace ScimSync.Ldap;

/// <summary>
/// Syncs LDAP sources (registered with <c>AddLdapSource</c>) into their connections through
/// <see cref="ScimProvisioner"/>: the same validation, mapping policies, safety brake and provisioning log as SCIM
/// requests. A singleton; runs on demand here, on a schedule through the hosted service.
/// </summary>
/// <remarks>
/// One run at a time per connection: a second <see cref="SyncAsync"/> for a connection whose run is still going fails
/// at once with <see cref="InvalidOperationException"/> rather than queueing (a scheduled run that finds one in
/// progress is skipped and logged). Runs of different connections proceed in parallel.
/// </remarks>
public sealed class LdapSynchronizer
{
    private readonly ILdapDirectoryFactory _factory;
    private readonly ScimProvisioner _provisioner;
    private readonly ScimPolicyPreview _preview;
    private readonly IOptionsMonitor<LdapSourceOptions> _options;
    private readonly ILdapSyncStateStore _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HashSet<string> _sources;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _running = new(StringComparer.Ordinal);

    internal LdapSynchronizer(
        ILdapDirectoryFactory factory,
        ScimProvisioner provisioner,
        ScimPolicyPreview preview,
        IOptionsMonitor<LdapSourceOptions> options,
        ILdapSyncStateStore state,
        TimeProvider time,
        ILogger<LdapSynchronizer> logger,
        IEnumerable<LdapSourceRegistration> sources)
    {
        _factory = factory;
        _provisioner = provisioner;
        _preview = preview;
        _options = options;
        _state = state;
        _time = time;
        _logger = logger;
        _sources = new HashSet<string>(sources.Select(s => s.Connection), StringComparer.Ordinal);
    }

    /// <summary>Gets the connections fed by an LDAP source.</summary>
    public IReadOnlyCollection<string> Connections => _sources;

    /// <summary>Gets a value indicating whether a run of a connection is in progress.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns><see langword="true"/> while a run is going.</returns>
    public bool IsRunning(string connection) => _running.TryGetValue(connection, out var gate) && gate.CurrentCount == 0;

    /// <summary>
    /// Syncs a connection from its directory. A full run reads every user and group and removes those no longer in
    /// the directory (unless a search failed, or it saw fewer than <see cref="LdapSourceOptions.MinimumSeenRatio"/> of
    /// the users it knew); an incremental run reads only entries changed since the last complete run and removes
    /// nobody. An incremental run without a high-water mark yet runs in full.
    /// </summary>
    /// <param name="connection">The connection, as given to <c>AddLdapSource</c>.</param>
    /// <param name="mode">What to read.</param>
    /// <param name="cancellationToken">Cancels the run (what was written stays; nothing is removed).</param>
    /// <returns>The counts, whether the run was complete, and why removals were skipped.</returns>
    /// <exception cref="ArgumentException">No LDAP source feeds that connection.</exception>
    /// <exception cref="InvalidOperationException">A run of that connection is already in progress.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<LdapSyncResult> SyncAsync(string connection, LdapSyncMode mode, CancellationToken cancellationToken = default)
    {
        var options = GetOptions(connection);
        var gate = _running.GetOrAdd(connection, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"An LDAP sync of connection '{connection}' is already running.");
        }

        try
        {
            var state = await _state.GetAsync(connection, cancellationToken).ConfigureAwait(false);
            if (mode == LdapSyncMode.Incremental && state?.HighWaterMark is null)
            {
                mode = LdapSyncMode.Full;
            }

            var started = _time.GetTimestamp();
            var result = new LdapSyncResult(connection, mode, _time.GetUtcNow()) { MaxErrors = options.MaxErrors };
            Log.SyncStarted(_logger, connection, mode);
            var mapper = new LdapEntryMapper(options);
            string? mark = state?.HighWaterMark;
            ILdapDirectory? directory = null;
            try
            {
                directory = await _factory.ConnectAsync(options.Server, cancellationToken).ConfigureAwait(false);
            }
            catch (LdapDirectoryException e)
            {
                Log.ConnectFailed(_logger, e, connection);
                result.Complete = false;
                result.DeletionsSkippedReason = "The directory could not be reached.";
                result.AddError("Connect failed: " + e.Message);
            }

            if (directory is not null)
            {
                await using (directory.ConfigureAwait(false))
                {
                    var run = new LdapSyncRun(connection, options, mapper, directory, _provisioner, _logger, result, state?.HighWaterMark, cancellationToken);
                    await run.ExecuteAsync().ConfigureAwait(false);
                    if (result.Complete)
                    {
                        mark = run.Mark;
                    }
                }
            }

            result.Finished = _time.GetUtcNow();
            var full = result.Mode == LdapSyncMode.Full && result.Complete;
            await _state.SetAsync(
                connection,
                new LdapSyncState(mark, result.Finished, full ? result.Finished : state?.LastFullRun, full ? 0 : (state?.RunsSinceFull ?? 0) + 1),
                cancellationToken).ConfigureAwait(false);
            var elapsed = _time.GetElapsedTime(started);
            LogFinished(result, elapsed);
            LdapSyncTelemetry.Record(result, elapsed);
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Looks one user up by login (the attribute <c>userName</c> is mapped from: <c>sAMAccountName</c>, <c>uid</c>)
    /// and shows what a sync would make of it: the raw attributes, the mapped SCIM user and the connection's policy
    /// dry run. Writes nothing.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="login">The login as an operator typed it; escaped before it reaches the filter.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>What was found.</returns>
    /// <exception cref="ArgumentException">No LDAP source feeds that connection.</exception>
    public async Task<LdapUserTest> TestUserAsync(string connection, string login, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(login);
        var options = GetOptions(connection);
        var mapper = new LdapEntryMapper(options);
        var escaped = LdapFilter.Escape(login);
        var byLogin = string.Concat(mapper.LoginAttributes.Select(a => $"({a}={escaped})"));
        var filter = $"(&{mapper.UserFilter}(|{byLogin}))";
        var found = new List<LdapEntry>(2);
        try
        {
            var directory = await _factory.ConnectAsync(options.Server, cancellationToken).ConfigureAwait(false);
            await using (directory.ConfigureAwait(false))
            {
                foreach (var baseDn in options.UserBaseDns)
                {
                    await foreach (var entry in directory.SearchAsync(new LdapSearch(baseDn, filter, [.. mapper.UserAttributes, "memberOf"]), cancellationToken).ConfigureAwait(false))
                    {
                        found.Add(entry);
                        if (found.Count > 1)
                        {
                            break;
                        }
                    }
                }
            }
        }
        catch (LdapDirectoryException e)
        {
            return new LdapUserTest(false, null, Empty, null, null, "The directory lookup failed: " + e.Message);
        }

        if (found.Count == 0)
        {
            return new LdapUserTest(false, null, Empty, null, null, null);
        }

        if (found.Count > 1 && !string.Equals(DnKey.Normalize(found[0].DistinguishedName), DnKey.Normalize(found[1].DistinguishedName), StringComparison.Ordinal))
        {
            return new LdapUserTest(false, null, Empty, null, null, $"More than one user has the login '{login}'.");
        }

        var user = found[0];
        var attributes = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in user.Attributes)
        {
            attributes[name] = [.. values.Select(v => LdapDirectoryProfile.BinaryAttributes.Contains(name) || LdapEntryMapper.ReadText(name, v) is not { } text ? Convert.ToBase64String(v) : text)];
        }

        var scim = mapper.MapUser(user);
        var preview = await _preview.PreviewUserAsync(connection, (JsonObject)scim.DeepClone(), cancellationToken).ConfigureAwait(false);
        return new LdapUserTest(true, user.DistinguishedName, attributes, scim, preview, null);
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Empty { get; } = new Dictionary<string, IReadOnlyList<string>>();

    private LdapSourceOptions GetOptions(string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        return _sources.Contains(connection)
            ? _options.Get(connection)
            : throw new ArgumentException($"No LDAP source feeds connection '{connection}'.", nameof(connection));
    }

    private void LogFinished(LdapSyncResult r, TimeSpan elapsed) => Log.SyncFinished(
        _logger, r.Connection, r.Mode, r.Complete, elapsed,
        r.Users.Seen, r.Users.Created, r.Users.Updated, r.Users.Unchanged, r.Users.Removed, r.Users.Held, r.Users.Failed,
        r.Groups.Seen, r.Groups.Created, r.Groups.Updated, r.Groups.Unchanged, r.Groups.Removed, r.Groups.Held, r.Groups.Failed);
}

/// <summary>Marks a connection as fed by an LDAP source (one per <c>AddLdapSource</c> call).</summary>
internal sealed record LdapSourceRegistration(string Connection);
