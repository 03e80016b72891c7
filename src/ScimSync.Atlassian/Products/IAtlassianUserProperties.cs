// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Atlassian.Products;

/// <summary>
/// A product that stores custom attributes with a user (Jira's user properties, shown on the profile by apps that
/// read them). Implemented by clients whose product offers it.
/// </summary>
public interface IAtlassianUserProperties
{
    /// <summary>Writes a user property, replacing its value.</summary>
    /// <param name="username">The username.</param>
    /// <param name="key">The property key.</param>
    /// <param name="value">The value (a JSON value).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the property is stored.</returns>
    Task SetUserPropertyAsync(string username, string key, JsonNode value, CancellationToken cancellationToken);

    /// <summary>Deletes a user property. A missing property is not an error.</summary>
    /// <param name="username">The username.</param>
    /// <param name="key">The property key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the property is gone.</returns>
    Task DeleteUserPropertyAsync(string username, string key, CancellationToken cancellationToken);

    /// <summary>Reads a user property.</summary>
    /// <param name="username">The username.</param>
    /// <param name="key">The property key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The value, or <see langword="null"/> when the user has no such property.</returns>
    Task<JsonNode?> GetUserPropertyAsync(string username, string key, CancellationToken cancellationToken);
}
