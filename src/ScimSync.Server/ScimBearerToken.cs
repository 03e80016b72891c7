// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text;

namespace ScimSync.Server;

/// <summary>
/// A bearer token a connection accepts. Give either the token itself (<see cref="Value"/>) or only its SHA-256 hash
/// (<see cref="Sha256"/>), so configuration never holds the secret; see <see cref="Generate"/>.
/// </summary>
/// <remarks>
/// This is the "Secret Token" of Microsoft Entra ID provisioning and Okta's "HTTP Header" authentication (RFC 6750
/// header). Tokens are compared as hashes in constant time, before the request body is read.
/// </remarks>
public sealed class ScimBearerToken
{
    /// <summary>The shortest token accepted in <see cref="Value"/>.</summary>
    public const int MinimumLength = 16;

    /// <summary>
    /// Gets or sets a label for logs, metrics and <see cref="IScimTokenActivity"/> (for example <c>"2026-11"</c>).
    /// Never the token.
    /// </summary>
    /// <value>Defaults to the token's position in the connection's list (<c>"0"</c>, <c>"1"</c>, ...).</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the token, at least <see cref="MinimumLength"/> characters without white space.</summary>
    public string? Value { get; set; }

    /// <summary>
    /// Gets or sets the token's SHA-256 hash as 64 hexadecimal digits (what <see cref="ComputeSha256"/> returns),
    /// instead of <see cref="Value"/>.
    /// </summary>
    public string? Sha256 { get; set; }

    /// <summary>Gets or sets when the token stops being accepted, or <see langword="null"/> for never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>
    /// Generates a strong token (256 random bits, URL-safe, prefixed <c>scim_</c> so secret scanners can find it).
    /// Show it to the operator once and keep only <see cref="GeneratedToken.Sha256"/>.
    /// </summary>
    /// <returns>The token and its hash.</returns>
    public static GeneratedToken Generate()
    {
        var token = "scim_" + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return new GeneratedToken(token, ComputeSha256(token));
    }

    /// <summary>Computes the hash to configure as <see cref="Sha256"/> for a token.</summary>
    /// <param name="token">The token.</param>
    /// <returns>64 lower-case hexadecimal digits.</returns>
    public static string ComputeSha256(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A token made by <see cref="ScimBearerToken.Generate"/>.</summary>
/// <param name="Token">The token, to hand to the identity provider once.</param>
/// <param name="Sha256">Its hash, to keep in configuration (<see cref="ScimBearerToken.Sha256"/>).</param>
public sealed record GeneratedToken(string Token, string Sha256)
{
    /// <summary>Returns the hash only, so that logging the record never leaks the token.</summary>
    /// <returns>A description without the token.</returns>
    public override string ToString() => $"GeneratedToken {{ Sha256 = {Sha256} }}";
}
