// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian.Products;

/// <summary>What a user should look like in a product: the fields a create or an update writes.</summary>
/// <param name="Name">The username.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="Email">The email address. Products that require one get a placeholder from the caller.</param>
public sealed record AtlassianUserData(string Name, string DisplayName, string Email);
