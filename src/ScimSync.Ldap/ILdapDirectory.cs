// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Ldap;

/// <summary>
/// A bound connection to an LDAP directory, reused for every request of one sync run. The sync engine reads the
/// directory only through this interface.
/// </summary>
public interface ILdapDirectory : IAsyncDisposable
{
    /// <summary>
    /// Searches with the paged-results control (RFC 2696), yielding entries page by page so that a directory of any
    /// size streams in bounded memory.
    /// </summary>
    /// <param name="search">What to search.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The entries, in the server's order.</returns>
    /// <exception cref="LdapDirectoryException">
    /// The search failed or was cut short (size or time limit, referral not followed, server error). The entries
    /// yielded before it are valid but incomplete: a caller must not conclude that missing entries were deleted.
    /// </exception>
    IAsyncEnumerable<LdapEntry> SearchAsync(LdapSearch search, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads every value of an attribute of one entry, following Active Directory's ranged retrieval
    /// (<c>member;range=0-1499</c>) when the server returns the values in ranges.
    /// </summary>
    /// <param name="distinguishedName">The entry.</param>
    /// <param name="attribute">The attribute, for example <c>member</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The values as strings; empty when the entry has none.</returns>
    /// <exception cref="LdapDirectoryException">The read failed.</exception>
    Task<IReadOnlyList<string>> ReadAllValuesAsync(string distinguishedName, string attribute, CancellationToken cancellationToken = default);
}

/// <summary>Opens <see cref="ILdapDirectory"/> connections.</summary>
public interface ILdapDirectoryFactory
{
    /// <summary>Connects, secures (StartTLS or LDAPS, verifying the certificate) and binds.</summary>
    /// <param name="options">The server.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The bound directory.</returns>
    /// <exception cref="LdapDirectoryException">The server cannot be reached, TLS fails, or the bind is refused.</exception>
    Task<ILdapDirectory> ConnectAsync(LdapServerOptions options, CancellationToken cancellationToken = default);
}

/// <summary>Where a search looks.</summary>
public enum LdapSearchScope
{
    /// <summary>The base entry only.</summary>
    Base,

    /// <summary>The base entry's immediate children.</summary>
    OneLevel,

    /// <summary>The base entry and everything below it.</summary>
    Subtree,
}

/// <summary>One search.</summary>
/// <param name="BaseDn">The DN to search under.</param>
/// <param name="Filter">The filter (RFC 4515). Values from users must go through <see cref="LdapFilter.Escape"/>.</param>
/// <param name="Attributes">The attributes to return (operational ones such as <c>memberOf</c> must be named).</param>
/// <param name="Scope">The scope.</param>
public sealed record LdapSearch(string BaseDn, string Filter, IReadOnlyList<string> Attributes, LdapSearchScope Scope = LdapSearchScope.Subtree);

/// <summary>A directory entry: its DN and the attributes returned, each with its raw values.</summary>
/// <param name="DistinguishedName">The entry's DN as the server returned it.</param>
/// <param name="Attributes">The attribute values by name (case-insensitive), raw bytes; text attributes are UTF-8.</param>
public sealed record LdapEntry(string DistinguishedName, IReadOnlyDictionary<string, IReadOnlyList<byte[]>> Attributes)
{
    /// <summary>Gets the first value of an attribute as UTF-8 text, or <see langword="null"/>.</summary>
    /// <param name="attribute">The attribute name.</param>
    /// <returns>The value.</returns>
    public string? GetString(string attribute) =>
        Attributes.TryGetValue(attribute, out var values) && values.Count > 0 ? System.Text.Encoding.UTF8.GetString(values[0]) : null;

    /// <summary>Gets every value of an attribute as UTF-8 text.</summary>
    /// <param name="attribute">The attribute name.</param>
    /// <returns>The values; empty when the entry has none.</returns>
    public IReadOnlyList<string> GetStrings(string attribute) =>
        Attributes.TryGetValue(attribute, out var values) ? [.. values.Select(v => System.Text.Encoding.UTF8.GetString(v))] : [];

    /// <summary>Gets the first value of an attribute as raw bytes (for <c>objectGUID</c>, <c>objectSid</c>), or <see langword="null"/>.</summary>
    /// <param name="attribute">The attribute name.</param>
    /// <returns>The value.</returns>
    public byte[]? GetBytes(string attribute) =>
        Attributes.TryGetValue(attribute, out var values) && values.Count > 0 ? values[0] : null;
}

/// <summary>An LDAP operation failed or was cut short.</summary>
public sealed class LdapDirectoryException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public LdapDirectoryException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What failed, without credentials.</param>
    public LdapDirectoryException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and a cause.</summary>
    /// <param name="message">What failed, without credentials.</param>
    /// <param name="innerException">The cause.</param>
    public LdapDirectoryException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the LDAP result code (RFC 4511 §4.1.9), when the server sent one.</summary>
    public int? ResultCode { get; init; }
}
