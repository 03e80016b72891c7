// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using Microsoft.Identity.Client;

namespace ScimSync.MicrosoftGraph;

/// <summary>
/// Keeps the MSAL confidential client of each Graph connection (and so its in-memory token cache) between runs, so
/// that a connection asks the identity platform for a new token only when the last one is about to expire (MSAL
/// renews five minutes before). <c>AddMicrosoftGraphSource</c> registers one as a singleton; tokens stay in memory.
/// </summary>
public sealed class GraphTokenCache
{
    private readonly ConcurrentDictionary<string, Lazy<IConfidentialClientApplication>> _clients = new(StringComparer.Ordinal);

    /// <summary>Forgets every client and token (for example after a credential was rotated).</summary>
    public void Clear() => _clients.Clear();

    internal IConfidentialClientApplication GetOrAdd(string key, Func<IConfidentialClientApplication> create) =>
        _clients.GetOrAdd(key, _ => new Lazy<IConfidentialClientApplication>(create)).Value;
}
