// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Stores;

/// <summary>
/// Opens the stores of a directory. A directory is an isolated set of users and groups: each provisioning
/// connection writes to one, and connections share one only when the host configures them to.
/// </summary>
/// <remarks>
/// Store packages register an implementation (for example one database with a directory column). A host that brings
/// a single <see cref="IUserStore"/> and <see cref="IGroupStore"/> gets a provider that serves exactly one directory.
/// Implementations are thread-safe; the stores they return may be cached and reused.
/// </remarks>
public interface IScimStoreProvider
{
    /// <summary>Gets the <c>User</c> store of a directory.</summary>
    /// <param name="directory">The directory name (case-sensitive, as configured).</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException">The provider does not serve <paramref name="directory"/>.</exception>
    IUserStore GetUserStore(string directory);

    /// <summary>Gets the <c>Group</c> store of a directory.</summary>
    /// <param name="directory">The directory name (case-sensitive, as configured).</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException">The provider does not serve <paramref name="directory"/>.</exception>
    IGroupStore GetGroupStore(string directory);
}
