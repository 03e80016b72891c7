// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian.Emulator;

/// <summary>A user of the emulated Bitbucket.</summary>
/// <param name="Id">The numeric id, which never changes.</param>
/// <param name="Name">The username.</param>
/// <param name="Slug">The URL-safe form of the username, used in <c>rest/api/latest/users/{userSlug}</c>.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="Email">The email address.</param>
/// <param name="Active">Whether the user is active in its directory.</param>
public sealed record BitbucketUser(int Id, string Name, string Slug, string DisplayName, string Email, bool Active);
