// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Policies;

/// <summary>Decides whether a connection may create, update, deactivate, reactivate or delete a user.</summary>
/// <remarks>The default is <see cref="UserLifecyclePolicy"/>, configured by <see cref="UserLifecycleOptions"/>.</remarks>
public interface IUserLifecyclePolicy
{
    /// <summary>Gets the attribute paths a created user is matched on against existing users, in order.</summary>
    IReadOnlyList<string> MatchBy { get; }

    /// <summary>Gets a value indicating whether a create matching a deactivated user reactivates it.</summary>
    bool ReactivateOnCreate { get; }

    /// <summary>Decides one change.</summary>
    /// <param name="change">The change.</param>
    /// <returns>Whether it happens, and how.</returns>
    UserLifecycleDecision Decide(UserLifecycleChange change);
}

/// <summary>A kind of change to a user.</summary>
public enum UserLifecycleAction
{
    /// <summary>A new user.</summary>
    Create,

    /// <summary>A change of attributes other than <c>active</c>.</summary>
    Update,

    /// <summary><c>active</c> goes from <see langword="true"/> to <see langword="false"/>.</summary>
    Deactivate,

    /// <summary><c>active</c> goes from <see langword="false"/> to <see langword="true"/>, or a create re-links a deactivated user.</summary>
    Reactivate,

    /// <summary><c>DELETE</c>.</summary>
    Delete,
}

/// <summary>A change a connection asks for.</summary>
/// <param name="Action">What it does.</param>
/// <param name="Connection">The connection asking.</param>
/// <param name="Owner">The connection that created the user, when known (<see langword="null"/> for a create, or a user created before ownership was recorded).</param>
public sealed record UserLifecycleChange(UserLifecycleAction Action, string Connection, string? Owner);

/// <summary>What happens to a change.</summary>
public enum UserLifecycleOutcome
{
    /// <summary>The change happens.</summary>
    Allow,

    /// <summary>The change is refused (403), nothing is written.</summary>
    Deny,

    /// <summary>A <c>DELETE</c> deactivates and keeps the user.</summary>
    DeactivateInstead,
}

/// <summary>The decision of <see cref="IUserLifecyclePolicy.Decide"/>.</summary>
/// <param name="Outcome">What happens.</param>
/// <param name="Reason">Why, for the client's error detail and the provisioning log (when not a plain allow).</param>
public sealed record UserLifecycleDecision(UserLifecycleOutcome Outcome, string? Reason = null)
{
    /// <summary>Gets the plain allow.</summary>
    public static UserLifecycleDecision Allowed { get; } = new(UserLifecycleOutcome.Allow);
}
