// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ScimSync.Okta;

/// <summary>
/// Keeps the access tokens of Okta service apps between runs (one per org and client id), with the DPoP key each is
/// bound to, and renews a token shortly before it expires. Registered as a singleton by <c>AddOktaSource</c>.
/// </summary>
public sealed class OktaTokenCache : IDisposable
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>Gets or sets how long before its expiry a token is renewed.</summary>
    /// <value>Defaults to 2 minutes.</value>
    public TimeSpan RenewBefore { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Forgets every token (the DPoP keys stay, so a token renewed later is bound to the same key).</summary>
    public void Clear()
    {
        foreach (var slot in _slots.Values)
        {
            slot.Token = null;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.DPoPKey.Dispose();
            slot.Lock.Dispose();
        }

        _slots.Clear();
    }

    internal Slot GetSlot(string key) => _slots.GetOrAdd(key, _ => new Slot());

    internal sealed class Slot
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public RSA DPoPKey { get; } = RSA.Create(2048);

        public string? Nonce { get; set; }

        public string? ResourceNonce { get; set; }

        public CachedToken? Token { get; set; }
    }

    internal sealed record CachedToken(string AccessToken, string TokenType, DateTimeOffset ExpiresAt);
}
