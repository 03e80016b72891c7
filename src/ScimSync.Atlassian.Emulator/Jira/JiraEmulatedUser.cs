// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian.Emulator;

/// <summary>A user of the emulated Jira, as it stands when read.</summary>
/// <param name="Key">Jira's user key, which survives a rename (<c>JIRAUSER10000</c> for users created in the emulator).</param>
/// <param name="Name">The username.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="Email">The email address.</param>
/// <param name="Active">Whether the user is active.</param>
public sealed record JiraEmulatedUser(string Key, string Name, string DisplayName, string Email, bool Active);
