// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian;

/// <summary>What a target changed (or, in a dry run, would change) in a product.</summary>
public enum AtlassianChangeKind
{
    /// <summary>A user was created.</summary>
    CreateUser,

    /// <summary>A user's username, display name or email was updated.</summary>
    UpdateUser,

    /// <summary>A user was activated (for example after being re-activated by hand while ScimSync has them inactive, the reverse).</summary>
    ActivateUser,

    /// <summary>A user was deactivated.</summary>
    DeactivateUser,

    /// <summary>A user was deleted.</summary>
    DeleteUser,

    /// <summary>A group was created.</summary>
    CreateGroup,

    /// <summary>A group was deleted.</summary>
    DeleteGroup,

    /// <summary>A user was added to a group.</summary>
    AddMember,

    /// <summary>A user was removed from a group.</summary>
    RemoveMember,

    /// <summary>A project's or component's lead was moved to the default lead.</summary>
    MoveLead,

    /// <summary>A user property was written.</summary>
    SetProperty,

    /// <summary>A user property was deleted.</summary>
    DeleteProperty,
}

/// <summary>One change a target made, or would make, in a product.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Kind">What changed.</param>
/// <param name="Subject">The username or group name changed.</param>
/// <param name="Detail">More about it (the group of a membership, the fields updated, the project whose lead moved), or <see langword="null"/>.</param>
public sealed record AtlassianChange(string Target, AtlassianChangeKind Kind, string Subject, string? Detail = null);
