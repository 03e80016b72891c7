// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScimSync.Admin.Internal;
using ScimSync.Policies;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Admin;

/// <summary>
/// The run-time settings of provisioning connections that the operator console edits, also usable from code: create
/// and delete connections, issue and revoke bearer tokens, replace or reset a connection's mapping policies.
/// </summary>
/// <remarks>
/// <para>
/// Changes are validated against the whole server configuration before they are saved, saved in the host's
/// <see cref="IScimSettingsStore"/> (so they survive a restart and reach every instance of the host within
/// <see cref="ScimAdminOptions.RefreshInterval"/>), then applied at once: the server rebuilds its connections as it does
/// when configuration reloads.
/// </para>
/// <para>
/// Configuration stays the base: the console adds connections and tokens, and replaces a connection's policies only
/// until they are reset. Connections and tokens that come from configuration are shown but cannot be deleted here.
/// </para>
/// </remarks>
public sealed partial class ScimConsoleSettings : IDisposable
{
    private readonly IScimSettingsStore _store;
    private readonly ConsoleSettingsOverlay _overlay;
    private readonly IOptionsMonitor<ScimServerOptions> _options;
    private readonly IOptionsFactory<ScimServerOptions> _factory;
    private readonly IScimTokenActivity _activity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LdapSettingsOverlay _ldap;
    private readonly IServiceProvider _services;

    internal ScimConsoleSettings(
        IScimSettingsStore store,
        ConsoleSettingsOverlay overlay,
        LdapSettingsOverlay ldap,
        IServiceProvider services,
        IOptionsMonitor<ScimServerOptions> options,
        IOptionsFactory<ScimServerOptions> factory,
        IScimTokenActivity activity,
        TimeProvider time,
        ILogger<ScimConsoleSettings> logger)
    {
        _store = store;
        _overlay = overlay;
        _ldap = ldap;
        _services = services;
        _options = options;
        _factory = factory;
        _activity = activity;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    /// <summary>Gets the connections in force (configured and console-made), ordered by name.</summary>
    /// <returns>The connections.</returns>
    public IReadOnlyList<ScimConsoleConnection> GetConnections()
    {
        var options = _options.CurrentValue;
        var documents = _overlay.Documents;
        var usage = _activity.GetTokens().ToLookup(t => t.Connection, StringComparer.OrdinalIgnoreCase);
        return [.. options.Connections
            .OrderBy(c => c.Key, StringComparer.OrdinalIgnoreCase)
            .Select(c => Describe(c.Key, c.Value, documents.GetValueOrDefault(ConnectionDocument.KeyOf(c.Key)), usage[c.Key]))];
    }

    /// <summary>Finds a connection in force by name (ignoring case).</summary>
    /// <param name="name">The connection's name.</param>
    /// <returns>The connection, or <see langword="null"/>.</returns>
    public ScimConsoleConnection? FindConnection(string name) =>
        GetConnections().FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Creates a connection that accepts SCIM requests at <c>{prefix}/{name}/v2</c> (it needs a token next).</summary>
    /// <param name="name">The name, also its URL segment: a letter or digit, then letters, digits, <c>-</c> and <c>_</c>, at most 64.</param>
    /// <param name="identityProvider">The identity provider behind it (sets the quirk handling).</param>
    /// <param name="directory">The directory it provisions into, or <see langword="null"/> for its own (named like it).</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="ScimConsoleValidationException">The name is not valid or already used, or the change makes the configuration invalid.</exception>
    /// <exception cref="ScimConsoleConflictException">Another change to it was saved at the same time; nothing was changed.</exception>
    public async Task<ScimConsoleConnection> CreateConnectionAsync(string name, IdentityProvider identityProvider, string? directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.Trim();
        directory = string.IsNullOrWhiteSpace(directory) ? null : directory.Trim();
        if (!ConnectionName().IsMatch(name))
        {
            throw new ScimConsoleValidationException("name", "Use 1 to 64 letters, digits, '-' or '_', starting with a letter or digit.");
        }

        if (directory is { Length: > 200 })
        {
            throw new ScimConsoleValidationException("directory", "Use at most 200 characters.");
        }

        await ChangeAsync(name, expectedVersion: null, (options, document) =>
        {
            if (options.Connections.ContainsKey(name) || document is not null)
            {
                throw new ScimConsoleValidationException("name", $"A connection named '{name}' already exists.");
            }

            return new ConnectionDocument
            {
                Name = name,
                CreatedInConsole = true,
                IdentityProvider = identityProvider.ToString(),
                Directory = directory,
            };
        }, cancellationToken).ConfigureAwait(false);
        Log.ConnectionCreated(_logger, name);
        return FindConnection(name)!;
    }

    /// <summary>Deletes a connection the console created, with its tokens and policies. Its users and groups stay in the store.</summary>
    /// <param name="name">The connection's name.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the change is saved and applied.</returns>
    /// <exception cref="ScimConsoleValidationException">The connection does not exist, or comes from configuration.</exception>
    /// <exception cref="ScimConsoleConflictException">Another change to it was saved at the same time; nothing was changed.</exception>
    public async Task DeleteConnectionAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await ChangeAsync(name, expectedVersion: null, (_, document) =>
            document is { CreatedInConsole: true }
                ? null
                : throw new ScimConsoleValidationException("name", $"'{name}' was not created in the console; remove it from configuration instead."),
            cancellationToken).ConfigureAwait(false);
        Log.ConnectionDeleted(_logger, name);
    }

    /// <summary>
    /// Issues a new bearer token for a connection. Only its SHA-256 hash is saved: show the returned token to the
    /// operator once. Older tokens stay valid until revoked, so the identity provider can be switched over without downtime.
    /// </summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="tokenName">A label for logs and the console (not the token), unique in the connection, at most 64 characters.</param>
    /// <param name="expiresAt">When the token stops being accepted, or <see langword="null"/> for never.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>The token and its hash.</returns>
    /// <exception cref="ScimConsoleValidationException">The connection does not exist, the label is empty, too long or used, or the expiry is in the past.</exception>
    /// <exception cref="ScimConsoleConflictException">Another change to it was saved at the same time; nothing was changed.</exception>
    public async Task<GeneratedToken> IssueTokenAsync(string connection, string tokenName, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(tokenName);
        tokenName = tokenName.Trim();
        if (tokenName.Length is 0 or > 64)
        {
            throw new ScimConsoleValidationException("tokenName", "Give the token a label of 1 to 64 characters.");
        }

        var now = _time.GetUtcNow();
        if (expiresAt is { } expiry && expiry <= now)
        {
            throw new ScimConsoleValidationException("expiresAt", "The expiry must be in the future.");
        }

        var generated = ScimBearerToken.Generate();
        await ChangeAsync(connection, expectedVersion: null, (options, document) =>
        {
            var existing = RequireConnection(options, connection);
            if (existing.AuthenticationScheme is not null)
            {
                throw new ScimConsoleValidationException("tokenName", $"'{connection}' authenticates with the '{existing.AuthenticationScheme}' scheme, not bearer tokens.");
            }

            if (!existing.AcceptsRequests && document is not { CreatedInConsole: true })
            {
                throw new ScimConsoleValidationException("tokenName", $"'{connection}' is fed in process only and accepts no SCIM requests.");
            }

            if (TokenNames(existing).Contains(tokenName, StringComparer.OrdinalIgnoreCase))
            {
                throw new ScimConsoleValidationException("tokenName", $"'{connection}' already has a token labelled '{tokenName}'.");
            }

            document ??= new ConnectionDocument { Name = connection };
            return document with { Tokens = [.. document.Tokens, new TokenDocument(tokenName, generated.Sha256, now, expiresAt)] };
        }, cancellationToken).ConfigureAwait(false);
        Log.TokenIssued(_logger, connection, tokenName);
        return generated;
    }

    /// <summary>Revokes a token the console issued: from now on requests with it get 401.</summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="tokenName">The token's label.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the change is saved and applied.</returns>
    /// <exception cref="ScimConsoleValidationException">No token the console issued has that label (configured tokens are revoked in configuration).</exception>
    /// <exception cref="ScimConsoleConflictException">Another change to it was saved at the same time; nothing was changed.</exception>
    public async Task RevokeTokenAsync(string connection, string tokenName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(tokenName);
        await ChangeAsync(connection, expectedVersion: null, (_, document) =>
        {
            var token = document?.Tokens.FirstOrDefault(t => string.Equals(t.Name, tokenName, StringComparison.OrdinalIgnoreCase))
                ?? throw new ScimConsoleValidationException("tokenName", $"'{connection}' has no token labelled '{tokenName}' issued in the console.");
            return document! with { Tokens = [.. document.Tokens.Where(t => !ReferenceEquals(t, token))] };
        }, cancellationToken).ConfigureAwait(false);
        Log.TokenRevoked(_logger, connection, tokenName);
    }

    /// <summary>
    /// Replaces a connection's mapping policies (attribute mapping, lifecycle switches, group mapping, safety brake)
    /// with <paramref name="policies"/>, which take effect for the next request.
    /// </summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="policies">The new policies (copied; later changes to the instance have no effect).</param>
    /// <param name="expectedVersion">The <see cref="ScimConsoleConnection.Version"/> the change was based on, so a concurrent change is not overwritten.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the change is saved and applied.</returns>
    /// <exception cref="ScimConsoleValidationException">The connection does not exist, or the policies are not valid (see <see cref="ScimConsoleValidationException.Problems"/>).</exception>
    /// <exception cref="ScimConsoleConflictException">The connection's settings changed since <paramref name="expectedVersion"/>; nothing was changed.</exception>
    public async Task SetPoliciesAsync(string connection, ProvisioningPolicyOptions policies, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(policies);
        var json = DocumentJson.ToJson(policies);
        await ChangeAsync(connection, expectedVersion, (options, document) =>
        {
            RequireConnection(options, connection);
            document ??= new ConnectionDocument { Name = connection };
            return document with { Policies = json };
        }, cancellationToken).ConfigureAwait(false);
        Log.PoliciesChanged(_logger, connection);
    }

    /// <summary>Drops the console's policies of a connection, so those of configuration apply again.</summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="expectedVersion">The <see cref="ScimConsoleConnection.Version"/> the change was based on.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the change is saved and applied.</returns>
    /// <exception cref="ScimConsoleConflictException">The connection's settings changed since <paramref name="expectedVersion"/>; nothing was changed.</exception>
    public async Task ResetPoliciesAsync(string connection, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await ChangeAsync(connection, expectedVersion, (_, document) => document is null ? null : document with { Policies = null }, cancellationToken).ConfigureAwait(false);
        Log.PoliciesChanged(_logger, connection);
    }

    /// <summary>
    /// Reads the settings from the store again and applies what another instance of the host changed. The console
    /// does this every <see cref="ScimAdminOptions.RefreshInterval"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when the settings are read and applied.</returns>
    /// <exception cref="ScimStoreUnavailableException">The store cannot be reached for now; the settings in force stay.</exception>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReloadCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyDictionary<string, Stored<ConnectionDocument>>> ReloadCoreAsync(CancellationToken cancellationToken)
    {
        var settings = await _store.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        var documents = new Dictionary<string, Stored<ConnectionDocument>>(StringComparer.Ordinal);
        var ldap = new Dictionary<string, Stored<LdapSourceDocument>>(StringComparer.Ordinal);
        foreach (var setting in settings)
        {
            try
            {
                if (setting.Key.StartsWith(ConnectionDocument.KeyPrefix, StringComparison.Ordinal) && ConnectionDocument.Parse(setting.Value) is { } document)
                {
                    documents[setting.Key] = new Stored<ConnectionDocument>(document, setting.Version);
                }
                else if (setting.Key.StartsWith(LdapSourceDocument.KeyPrefix, StringComparison.Ordinal) && LdapSourceDocument.Parse(setting.Value) is { } source)
                {
                    ldap[setting.Key] = new Stored<LdapSourceDocument>(source, setting.Version);
                }
            }
            catch (System.Text.Json.JsonException e)
            {
                Log.DocumentUnreadable(_logger, setting.Key, e);
            }
        }

        var current = _overlay.Documents;
        if (current.Count != documents.Count || documents.Any(d => !current.TryGetValue(d.Key, out var c) || c.Version != d.Value.Version))
        {
            // What another instance saved is checked against this instance's configuration before it applies: a
            // document this one cannot take (its configuration differs) is not applied, and the settings in force stay.
            try
            {
                Candidate<ConnectionDocument>.With(documents, () => _factory.Create(Options.DefaultName));
                _overlay.Publish(documents);
            }
            catch (OptionsValidationException e)
            {
                Log.DocumentsRejected(_logger, string.Join(" ", e.Failures));
            }
        }

        var currentLdap = _ldap.Documents;
        if (currentLdap.Count != ldap.Count || ldap.Any(d => !currentLdap.TryGetValue(d.Key, out var c) || c.Version != d.Value.Version))
        {
            _ldap.Publish(ldap);
        }

        return _overlay.Documents;
    }

    /// <summary>Gets the LDAP sources (<c>AddLdapSource</c>) with their settings in force, ordered by name.</summary>
    /// <returns>The sources; the bind password is never included.</returns>
    public IReadOnlyList<ScimConsoleLdapSource> GetLdapSources()
    {
        if (_services.GetService(typeof(Ldap.LdapSynchronizer)) is not Ldap.LdapSynchronizer synchronizer)
        {
            return [];
        }

        var monitor = (IOptionsMonitor<Ldap.LdapSourceOptions>)_services.GetService(typeof(IOptionsMonitor<Ldap.LdapSourceOptions>))!;
        var documents = _ldap.Documents;
        return [.. synchronizer.Connections.Order(StringComparer.OrdinalIgnoreCase).Select(name =>
        {
            var settings = new Ldap.LdapSourceOptions();
            LdapSourceDocument.From(name, monitor.Get(name)).ApplyTo(settings);
            var stored = documents.GetValueOrDefault(LdapSourceDocument.KeyOf(name));
            return new ScimConsoleLdapSource(name, settings, monitor.Get(name).Server.BindPassword is { Length: > 0 }, stored is not null, stored?.Version ?? 0);
        })];
    }

    /// <summary>
    /// Replaces what an LDAP source reads and how (server address and security, bind DN, profile, base DNs, filters,
    /// attribute map, disabled-account rule, nested groups, schedule and removal rules) with those of
    /// <paramref name="settings"/>. The bind password, CA certificate file, timeout and page size stay those of
    /// configuration: the console keeps no secret. The next run and the next "test user" use the new settings.
    /// </summary>
    /// <param name="source">The source's name (its connection).</param>
    /// <param name="settings">The settings to copy.</param>
    /// <param name="expectedVersion">The <see cref="ScimConsoleLdapSource.Version"/> the change was based on.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the change is saved and applied.</returns>
    /// <exception cref="ScimConsoleValidationException">No LDAP source has that name, or the settings are not valid.</exception>
    /// <exception cref="ScimConsoleConflictException">The source's settings changed since <paramref name="expectedVersion"/>; nothing was changed.</exception>
    public Task SetLdapSourceAsync(string source, Ldap.LdapSourceOptions settings, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(settings);
        return ChangeLdapAsync(source, expectedVersion, name => LdapSourceDocument.From(name, settings), cancellationToken);
    }

    /// <summary>Drops the console's settings of an LDAP source, so those of configuration apply again.</summary>
    /// <param name="source">The source's name.</param>
    /// <param name="expectedVersion">The <see cref="ScimConsoleLdapSource.Version"/> the change was based on.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the change is saved and applied.</returns>
    /// <exception cref="ScimConsoleValidationException">No LDAP source has that name.</exception>
    /// <exception cref="ScimConsoleConflictException">The source's settings changed since <paramref name="expectedVersion"/>; nothing was changed.</exception>
    public Task ResetLdapSourceAsync(string source, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ChangeLdapAsync(source, expectedVersion, _ => null, cancellationToken);
    }

    private async Task ChangeLdapAsync(string source, long expectedVersion, Func<string, LdapSourceDocument?> change, CancellationToken cancellationToken)
    {
        var name = GetLdapSources().FirstOrDefault(s => string.Equals(s.Name, source, StringComparison.OrdinalIgnoreCase))?.Name
            ?? throw new ScimConsoleValidationException("source", $"No LDAP source is named '{source}'.");
        var factory = (IOptionsFactory<Ldap.LdapSourceOptions>)_services.GetService(typeof(IOptionsFactory<Ldap.LdapSourceOptions>))!;
        await ChangeDocumentAsync(
            LdapSourceDocument.KeyOf(name),
            name,
            expectedVersion,
            () => _ldap.Documents,
            _ => change(name),
            () => factory.Create(name),
            d => d.ToJson(),
            _ldap.Publish,
            cancellationToken).ConfigureAwait(false);
        Log.LdapSourceChanged(_logger, name);
    }

    /// <summary>
    /// Reads the connection's document afresh, applies <paramref name="change"/> (a <see langword="null"/> result
    /// deletes it), validates the whole configuration with it, saves it if its version is unchanged, and applies it.
    /// </summary>
    private Task ChangeAsync(
        string connection,
        long? expectedVersion,
        Func<ScimServerOptions, ConnectionDocument?, ConnectionDocument?> change,
        CancellationToken cancellationToken) =>
        ChangeDocumentAsync(
            ConnectionDocument.KeyOf(connection),
            connection,
            expectedVersion,
            () => _overlay.Documents,
            stored =>
            {
                var updated = change(_options.CurrentValue, stored);
                return updated is not null && stored is null ? updated with { Name = NameInForce(connection) ?? updated.Name } : updated;
            },
            () => _factory.Create(Options.DefaultName),
            d => d.ToJson(),
            _overlay.Publish,
            cancellationToken);

    /// <summary>
    /// Reads the documents afresh, applies <paramref name="change"/> to the one at <paramref name="key"/> (a
    /// <see langword="null"/> result deletes it), validates the whole configuration with it (<paramref name="validate"/>
    /// runs an options factory while the candidate documents are in place), saves it if its version is still the one
    /// read, and puts it in force.
    /// </summary>
    private async Task ChangeDocumentAsync<T>(
        string key,
        string subject,
        long? expectedVersion,
        Func<IReadOnlyDictionary<string, Stored<T>>> inForce,
        Func<T?, T?> change,
        Func<object> validate,
        Func<T, string> serialize,
        Action<IReadOnlyDictionary<string, Stored<T>>> publish,
        CancellationToken cancellationToken)
        where T : class
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReloadCoreAsync(cancellationToken).ConfigureAwait(false);
            var documents = inForce();
            var stored = documents.GetValueOrDefault(key);
            var version = stored?.Version ?? 0;
            if (expectedVersion is { } expected && expected != version)
            {
                throw new ScimConsoleConflictException(subject);
            }

            var updated = change(stored?.Document);
            var candidate = new Dictionary<string, Stored<T>>(documents, StringComparer.Ordinal);
            if (updated is null)
            {
                candidate.Remove(key);
            }
            else
            {
                candidate[key] = new Stored<T>(updated, version + 1);
            }

            try
            {
                Candidate<T>.With(candidate, validate);
            }
            catch (OptionsValidationException e)
            {
                throw new ScimConsoleValidationException(e.Failures.ToList());
            }

            if (updated is null)
            {
                if (stored is not null && !await _store.DeleteAsync(key, version, cancellationToken).ConfigureAwait(false))
                {
                    throw new ScimConsoleConflictException(subject);
                }
            }
            else
            {
                var saved = await _store.WriteAsync(key, serialize(updated), version, cancellationToken).ConfigureAwait(false)
                    ?? throw new ScimConsoleConflictException(subject);
                candidate[key] = new Stored<T>(updated, saved);
            }

            publish(candidate);
        }
        finally
        {
            _gate.Release();
        }
    }

    private string? NameInForce(string connection) =>
        _options.CurrentValue.Connections.Keys.FirstOrDefault(k => string.Equals(k, connection, StringComparison.OrdinalIgnoreCase));

    private static ScimConnectionOptions RequireConnection(ScimServerOptions options, string connection) =>
        options.Connections.TryGetValue(connection, out var found)
            ? found
            : throw new ScimConsoleValidationException("connection", $"No connection is named '{connection}'.");

    private static IEnumerable<string> TokenNames(ScimConnectionOptions connection) =>
        connection.Tokens.Select((t, i) => string.IsNullOrWhiteSpace(t.Name) ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : t.Name);

    private static ScimConsoleConnection Describe(string name, ScimConnectionOptions options, Stored<ConnectionDocument>? stored, IEnumerable<ScimTokenUsage> usage)
    {
        var lastUsed = usage.ToDictionary(u => u.Name, u => u.LastUsed, StringComparer.OrdinalIgnoreCase);
        var issued = stored?.Document.Tokens.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase) ?? [];
        var tokens = options.Tokens.Select((t, i) =>
        {
            var label = string.IsNullOrWhiteSpace(t.Name) ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : t.Name;
            var fromConsole = issued.TryGetValue(label, out var document);
            return new ScimConsoleToken(label, fromConsole, document?.CreatedAt, t.ExpiresAt, lastUsed.GetValueOrDefault(label));
        });
        return new ScimConsoleConnection(
            name,
            options.IdentityProvider,
            string.IsNullOrWhiteSpace(options.Directory) ? name : options.Directory,
            stored?.Document.CreatedInConsole ?? false,
            options.AcceptsRequests || stored?.Document.CreatedInConsole == true,
            options.AuthenticationScheme,
            [.. tokens],
            options.Policies is null ? null : DocumentJson.Copy(options.Policies),
            stored?.Document.Policies is not null,
            stored?.Version ?? 0);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex ConnectionName();
}
