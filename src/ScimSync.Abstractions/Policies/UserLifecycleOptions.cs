// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Policies;

/// <summary>
/// What a connection may do to users: the import, update and disable switches, what <c>DELETE</c> means, how a
/// re-provisioned user is matched to an existing one, and who may change a user. Bound per connection from
/// configuration (<c>ScimSync:Connections:{name}:Policies:Lifecycle</c>).
/// </summary>
public sealed class UserLifecycleOptions
{
    /// <summary>Gets or sets a value indicating whether the connection may create users.</summary>
    /// <value>Defaults to <see langword="true"/>. When <see langword="false"/>, a create is refused with 403.</value>
    public bool AllowCreate { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the connection may change users' attributes.</summary>
    /// <value>
    /// Defaults to <see langword="true"/>. When <see langword="false"/>, a change of any attribute other than
    /// <c>active</c> is refused with 403; deactivation follows <see cref="AllowDeactivate"/>.
    /// </value>
    public bool AllowUpdate { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the connection may deactivate (or delete) users.</summary>
    /// <value>Defaults to <see langword="true"/>. When <see langword="false"/>, <c>active: false</c> and <c>DELETE</c> are refused with 403.</value>
    public bool AllowDeactivate { get; set; } = true;

    /// <summary>Gets or sets what <c>DELETE</c> of a user does.</summary>
    /// <value>Defaults to <see cref="UserDeleteBehavior.Delete"/>.</value>
    public UserDeleteBehavior OnDelete { get; set; } = UserDeleteBehavior.Delete;

    /// <summary>
    /// Gets or sets a value indicating whether creating a user that matches a deactivated one (by
    /// <see cref="MatchBy"/> or by <c>userName</c>) reactivates and updates that user instead of failing with 409.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool ReactivateOnCreate { get; set; } = true;

    /// <summary>
    /// Gets the attributes a created user is matched on against existing users, in order, so that a user
    /// re-provisioned with a changed <c>userName</c> or email is re-linked to its account instead of duplicated.
    /// Each entry is a SCIM attribute path compared with <c>eq</c> (<c>externalId</c>, <c>userName</c>,
    /// <c>emails.value</c>, an extension attribute).
    /// </summary>
    /// <value>Empty by default, which means <c>externalId</c>. Set it to match on other attributes after <c>externalId</c>.</value>
    public IList<string> MatchBy { get; } = [];

    /// <summary>Gets or sets who may change a user when several connections share a directory.</summary>
    /// <value>Defaults to <see cref="UserOwnership.Exclusive"/>.</value>
    public UserOwnership Ownership { get; set; } = UserOwnership.Exclusive;
}

/// <summary>What <c>DELETE</c> of a user does.</summary>
public enum UserDeleteBehavior
{
    /// <summary>The user is deleted, with their memberships (RFC 7644 §3.6).</summary>
    Delete,

    /// <summary>
    /// The user is deactivated and kept (with <c>active: false</c> and the provisioning extension's
    /// <c>deprovisioned: true</c>), so that its account, history and target data survive and a later
    /// re-provisioning reactivates it. The user stays readable; see the remarks of the lifecycle documentation.
    /// </summary>
    Deactivate,
}

/// <summary>Who may change a user when several connections provision into the same directory.</summary>
public enum UserOwnership
{
    /// <summary>Only the connection that created the user may change or delete it; others get 403.</summary>
    Exclusive,

    /// <summary>Every connection of the directory may change the user.</summary>
    Shared,
}
