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
    private byte[][]? _hashes;
    private IList<string>? _hashedFrom;

    public BearerTokenValidator(IOptionsMonitor<ScimServerOptions> options)
    {
        _options = options;
        _options.OnChange(_ => _hashes = null);
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
        var tokens = _options.CurrentValue.BearerTokens;
        var hashes = _hashes;
        if (hashes is null || !ReferenceEquals(tokens, _hashedFrom))
        {
            hashes = [.. tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t)))];
            _hashes = hashes;
            _hashedFrom = tokens;
        }

        return hashes;
    }
}
