// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using ScimSync.Server;

namespace ScimSync.Admin.Internal;

/// <summary>
/// Lays the console's documents over the configured <see cref="ScimServerOptions"/>: connections the console created,
/// tokens it issued and policies it replaced. Publishing a new set of documents fires the options' change token, so
/// the server rebuilds its connections (as it does when configuration reloads) and the change applies without a
/// restart.
/// </summary>
internal sealed class ConsoleSettingsOverlay : IPostConfigureOptions<ScimServerOptions>, IOptionsChangeTokenSource<ScimServerOptions>, IDisposable
{
    private volatile IReadOnlyDictionary<string, Stored<ConnectionDocument>> _documents = new Dictionary<string, Stored<ConnectionDocument>>(StringComparer.Ordinal);
    private CancellationTokenSource _changed = new();

    /// <inheritdoc/>
    public string? Name => Options.DefaultName;

    /// <summary>The documents in force, by store key.</summary>
    public IReadOnlyDictionary<string, Stored<ConnectionDocument>> Documents => _documents;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    /// <summary>Puts a new set of documents in force and tells the options monitor.</summary>
    public void Publish(IReadOnlyDictionary<string, Stored<ConnectionDocument>> documents)
    {
        _documents = documents;
        // The old source is not disposed: a reader may still be taking its token (it holds no timer, so nothing leaks).
        var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        previous.Cancel();
    }

    public void Dispose() => Volatile.Read(ref _changed).Dispose();

    public void PostConfigure(string? name, ScimServerOptions options)
    {
        if (name != Options.DefaultName)
        {
            return;
        }

        foreach (var (_, stored) in Candidate<ConnectionDocument>.Documents ?? _documents)
        {
            Apply(stored.Document, options);
        }
    }

    private static void Apply(ConnectionDocument document, ScimServerOptions options)
    {
        if (!options.Connections.TryGetValue(document.Name, out var connection))
        {
            if (!document.CreatedInConsole)
            {
                // Changes to a connection that configuration no longer has: kept, but nothing to apply them to.
                return;
            }

            connection = new ScimConnectionOptions();
            options.Connections[document.Name] = connection;
        }

        if (document.CreatedInConsole)
        {
            connection.Directory = document.Directory;
            connection.IdentityProvider = Enum.TryParse<IdentityProvider>(document.IdentityProvider, ignoreCase: true, out var provider)
                ? provider
                : IdentityProvider.Generic;

            // Until its first token is issued it answers like an unknown connection (401), which is what a connection
            // without credentials should do, and the configuration stays valid.
            connection.AcceptsRequests = document.Tokens.Count > 0;
        }

        foreach (var token in document.Tokens)
        {
            connection.Tokens.Add(new ScimBearerToken { Name = token.Name, Sha256 = token.Sha256, ExpiresAt = token.ExpiresAt });
        }

        if (document.Policies is { } json)
        {
            var policies = DocumentJson.ToOptions(json);

            // Policy objects the host plugged in by code stay; the console edits only the settings.
            if (connection.Policies is { } configured)
            {
                policies.AttributeMappingPolicy = configured.AttributeMappingPolicy;
                policies.LifecyclePolicy = configured.LifecyclePolicy;
                policies.GroupMappingPolicy = configured.GroupMappingPolicy;
            }

            connection.Policies = policies;
        }
    }
}
