// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Atlassian.Emulator;

/// <summary>A user held by the emulated Jira (mutable; guarded by the emulator's lock).</summary>
internal sealed class JiraUserState(string key, string name, string displayName, string email, bool active)
{
    public string Key { get; } = key;

    public string Name { get; set; } = name;

    public string DisplayName { get; set; } = displayName;

    public string Email { get; set; } = email;

    public bool Active { get; set; } = active;

    /// <summary>Gets the user properties; Jira's property keys are case-sensitive.</summary>
    public Dictionary<string, JsonNode?> Properties { get; } = new(StringComparer.Ordinal);

    public JiraEmulatedUser Snapshot() => new(Key, Name, DisplayName, Email, Active);
}

/// <summary>A group held by the emulated Jira: its members by user key, so that a rename keeps them.</summary>
internal sealed class JiraGroupState(string name)
{
    public string Name { get; } = name;

    public HashSet<string> MemberKeys { get; } = new(StringComparer.Ordinal);
}

/// <summary>A project held by the emulated Jira.</summary>
internal sealed class JiraProjectState(long id, string key, string name, string leadKey)
{
    public long Id { get; } = id;

    public string Key { get; } = key;

    public string Name { get; } = name;

    public string LeadKey { get; set; } = leadKey;
}

/// <summary>A project component held by the emulated Jira.</summary>
internal sealed class JiraComponentState(long id, string projectKey, string name, string? leadKey)
{
    public long Id { get; } = id;

    public string ProjectKey { get; } = projectKey;

    public string Name { get; } = name;

    public string? LeadKey { get; set; } = leadKey;
}
