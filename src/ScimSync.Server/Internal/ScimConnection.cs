// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScimSync.Schema;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>A configured token, hashed once.</summary>
internal sealed record ConnectionToken(string Name, byte[] Hash, DateTimeOffset? ExpiresAt);

/// <summary>A connection as requests use it: its credentials, directory and per-resource-type machinery.</summary>
internal sealed class ScimConnection
{
    public ScimConnection(string name, ScimConnectionOptions options, ScimServerOptions server, ScimSchemaRegistry registry)
    {
        Name = name;
        Directory = string.IsNullOrWhiteSpace(options.Directory) ? name : options.Directory;
        IdentityProvider = options.IdentityProvider;
        AuthenticationScheme = options.AuthenticationScheme;
        AcceptsRequests = options.AcceptsRequests;
        RateLimit = options.RateLimit;
        TokenExpiryWarning = options.TokenExpiryWarning;
        Compatibility = options.Compatibility ?? server.Compatibility;
        Tokens = [.. options.Tokens.Select((t, i) => new ConnectionToken(
            string.IsNullOrWhiteSpace(t.Name) ? i.ToString(CultureInfo.InvariantCulture) : t.Name,
            t.Value is { Length: > 0 } value ? SHA256.HashData(Encoding.UTF8.GetBytes(value)) : Convert.FromHexString(t.Sha256!),
            t.ExpiresAt))];
        Policies = ConnectionPolicies.From(options.Policies);
        var directory = Directory;
        Users = new ScimResourceHandler(registry.User, Compatibility, sp => StoreProvider(sp).GetUserStore(directory), isGroup: false);
        Groups = new ScimResourceHandler(registry.Group, Compatibility, sp => StoreProvider(sp).GetGroupStore(directory), isGroup: true);
    }

    public string Name { get; }

    public string Directory { get; }

    public IdentityProvider IdentityProvider { get; }

    public string? AuthenticationScheme { get; }

    /// <summary>Whether the connection serves HTTP requests; one fed only in process answers them like an unknown connection.</summary>
    public bool AcceptsRequests { get; }

    /// <summary>The connection's rate limit, or <see langword="null"/>.</summary>
    public ScimRateLimitOptions? RateLimit { get; }

    public TimeSpan TokenExpiryWarning { get; }

    public ScimCompatibility Compatibility { get; }

    public IReadOnlyList<ConnectionToken> Tokens { get; }

    /// <summary>The connection's mapping policies, or <see langword="null"/> when it has none.</summary>
    public ConnectionPolicies? Policies { get; }

    public ScimResourceHandler Users { get; }

    public ScimResourceHandler Groups { get; }

    /// <summary>
    /// Finds the token a request presented. Every configured token is compared, in constant time, so neither the
    /// length nor the content of a valid token leaks through timing.
    /// </summary>
    public ConnectionToken? Match(ReadOnlySpan<char> presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var length = Encoding.UTF8.GetMaxByteCount(presented.Length);
        var bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(presented, bytes)], hash);
        ConnectionToken? match = null;
        foreach (var token in Tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(token.Hash, hash))
            {
                match = token;
            }
        }

        return match;
    }

    /// <summary>
    /// The store package's provider, or one over the host's own single-directory stores, wrapped by the registered
    /// <see cref="IScimStoreDecorator"/>s.
    /// </summary>
    private static IScimStoreProvider StoreProvider(IServiceProvider services)
    {
        var provider = services.GetService<IScimStoreProvider>() ?? new SingleDirectoryStoreProvider(services);
        foreach (var decorator in services.GetRequiredService<ScimServerServices>().StoreDecorators)
        {
            provider = decorator.Decorate(provider);
        }

        return provider;
    }
}

/// <summary>
/// The connections in force, rebuilt when the options change (a reload of configuration rotates tokens without a
/// restart).
/// </summary>
internal sealed class ScimConnectionRegistry(ScimSchemaRegistry registry, IOptionsMonitor<ScimServerOptions> options)
{
    private readonly Lock _rebuild = new();
    private volatile Snapshot? _snapshot;

    public IReadOnlyCollection<ScimConnection> All => Current().Connections.Values;

    public bool TryGet(string name, out ScimConnection connection) =>
        Current().Connections.TryGetValue(name, out connection!);

    /// <summary>The connection of that name, for the in-process APIs (an unknown name is the caller's mistake).</summary>
    /// <exception cref="ArgumentException">The name is empty or no connection has it.</exception>
    public ScimConnection Get(string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        return TryGet(connection, out var found) ? found : throw new ArgumentException($"No connection is named '{connection}'.", nameof(connection));
    }

    private Snapshot Current()
    {
        var snapshot = _snapshot;
        if (snapshot is not null && ReferenceEquals(snapshot.Options, options.CurrentValue))
        {
            return snapshot;
        }

        // One rebuild at a time: the first requests after a start or a change arrive together, and registering the
        // connections' schemas (check, then add) must not run twice at once.
        lock (_rebuild)
        {
            var current = options.CurrentValue;
            snapshot = _snapshot;
            if (snapshot is null || !ReferenceEquals(snapshot.Options, current))
            {
                ConnectionPolicies.RegisterSchemas(registry, current.Connections.Values);
                snapshot = new Snapshot(current, current.Connections.ToDictionary(
                    c => c.Key,
                    c => new ScimConnection(c.Key, c.Value, current, registry),
                    StringComparer.OrdinalIgnoreCase));
                _snapshot = snapshot;
            }

            return snapshot;
        }
    }

    private sealed record Snapshot(ScimServerOptions Options, Dictionary<string, ScimConnection> Connections);
}

/// <summary>Tracks when each token was last used, for <see cref="IScimTokenActivity"/>.</summary>
internal sealed class ScimTokenActivity(ScimConnectionRegistry connections) : IScimTokenActivity
{
    private readonly ConcurrentDictionary<(string Connection, string Token), DateTimeOffset> _lastUsed = new();

    public void Record(ScimConnection connection, ConnectionToken token, DateTimeOffset now) =>
        _lastUsed[(connection.Name, token.Name)] = now;

    public IReadOnlyList<ScimTokenUsage> GetTokens() =>
        [.. connections.All.SelectMany(c => c.Tokens.Select(t => new ScimTokenUsage(
            c.Name,
            t.Name,
            t.ExpiresAt,
            _lastUsed.TryGetValue((c.Name, t.Name), out var used) ? used : null)))];
}

/// <summary>What the authentication filter established about a request, for the endpoints after it.</summary>
internal sealed class ScimRequestContext(ScimConnection connection, string? tokenName)
{
    public ScimConnection Connection { get; } = connection;

    public string? TokenName { get; } = tokenName;

    public static ScimRequestContext Get(HttpContext context) =>
        context.Features.Get<ScimRequestContext>() ??
        throw new InvalidOperationException("The SCIM request context is missing: the endpoint ran without the SCIM filters.");
}
