// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Server;

/// <summary>Reports the bearer tokens of every connection and when each was last used (since the host started).</summary>
public interface IScimTokenActivity
{
    /// <summary>Gets every configured token, by connection.</summary>
    /// <returns>One entry per token, without the token itself.</returns>
    IReadOnlyList<ScimTokenUsage> GetTokens();
}

/// <summary>A connection's bearer token, as <see cref="IScimTokenActivity"/> reports it.</summary>
/// <param name="Connection">The connection name.</param>
/// <param name="Name">The token's label (<see cref="ScimBearerToken.Name"/>).</param>
/// <param name="ExpiresAt">When the token expires, if it does.</param>
/// <param name="LastUsed">When a request last authenticated with it since start-up, or <see langword="null"/>.</param>
public sealed record ScimTokenUsage(string Connection, string Name, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsed);
