// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian.Products;

/// <summary>A user as an Atlassian product holds it.</summary>
/// <param name="Key">
/// The product's stable key for the user, which survives a rename: Jira's <c>key</c>, Confluence's <c>userKey</c>,
/// Bitbucket's numeric <c>id</c> (as text).
/// </param>
/// <param name="Name">The username (Jira <c>name</c>, Confluence <c>username</c>, Bitbucket <c>name</c>).</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="Email">The email address, or <see langword="null"/> when the product shows none.</param>
/// <param name="Active">Whether the user can log in (and counts against the licence).</param>
public sealed record AtlassianUser(string Key, string Name, string DisplayName, string? Email, bool Active);
