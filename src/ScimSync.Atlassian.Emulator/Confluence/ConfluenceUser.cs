// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian.Emulator;

/// <summary>A user of the emulated Confluence.</summary>
/// <param name="Key">The <c>userKey</c>, which never changes.</param>
/// <param name="Name">The username (Confluence keeps it lower-case).</param>
/// <param name="DisplayName">The full name.</param>
/// <param name="Email">The email address.</param>
/// <param name="Active">Whether the user is enabled.</param>
public sealed record ConfluenceUser(string Key, string Name, string DisplayName, string Email, bool Active);
