// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace ScimSync.MicrosoftGraph;

/// <summary>
/// Keeps the access tokens of Graph connections between runs, so that a connection asks the identity platform for a
/// new token only shortly before the last one expires. <c>AddMicrosoftGraphSource</c> registers one as a singleton;
/// tokens are kept in memory only.
/// </summary>
public sealed class GraphTokenCache
{
    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);

    /// <summary>Gets how long before its expiry a token is renewed.</summary>
    /// <value>Five minutes.</value>
    public static TimeSpan RenewBefore { get; } = TimeSpan.FromMinutes(5);

    /// <summary>Forgets every token (for example after a credential was rotated).</summary>
    public void Clear() => _tokens.Clear();

    internal bool TryGet(string key, DateTimeOffset now, out string token)
    {
        if (_tokens.TryGetValue(key, out var cached) && cached.ExpiresAt - RenewBefore > now)
        {
            token = cached.AccessToken;
            return true;
        }

        token = string.Empty;
        return false;
    }

    internal void Set(string key, string token, DateTimeOffset expiresAt) => _tokens[key] = new CachedToken(token, expiresAt);

    internal void Remove(string key, string token)
    {
        if (_tokens.TryGetValue(key, out var cached) && cached.AccessToken == token)
        {
            _tokens.TryRemove(new KeyValuePair<string, CachedToken>(key, cached));
        }
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset ExpiresAt);
}
