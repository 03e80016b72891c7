// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ScimSync.Server.Internal;

/// <summary>
/// Checks a presented bearer token against the configured ones. Tokens are compared as SHA-256 hashes with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, and every configured token is compared, so neither the
/// length nor the content of a valid token leaks through timing.
/// </summary>
internal sealed class BearerTokenValidator
{
    private readonly IOptionsMonitor<ScimServerOptions> _options;
    private volatile HashedTokens? _cache;

    public BearerTokenValidator(IOptionsMonitor<ScimServerOptions> options)
    {
        _options = options;
    }

    public bool IsValid(ReadOnlySpan<char> presented)
    {
        var hashes = GetHashes();
        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(presented.ToArray());
        SHA256.HashData(bytes, presentedHash);
        var valid = false;
        foreach (var hash in hashes)
        {
            valid |= CryptographicOperations.FixedTimeEquals(hash, presentedHash);
        }

        return valid;
    }

    private byte[][] GetHashes()
    {
        // Options reloads produce a new options object, so the token list's identity says when to re-hash; the list
        // and its hashes are cached as one object so a concurrent reload can never pair them wrongly.
        var tokens = _options.CurrentValue.BearerTokens;
        var cache = _cache;
        if (cache is null || !ReferenceEquals(cache.Tokens, tokens))
        {
            cache = new HashedTokens(tokens, [.. tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t)))]);
            _cache = cache;
        }

        return cache.Hashes;
    }

    private sealed record HashedTokens(IList<string> Tokens, byte[][] Hashes);
}
