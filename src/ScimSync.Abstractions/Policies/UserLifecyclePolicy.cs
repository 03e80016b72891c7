// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Patching;

namespace ScimSync.Policies;

/// <summary>The default <see cref="IUserLifecyclePolicy"/>: the switches of <see cref="UserLifecycleOptions"/>.</summary>
public sealed class UserLifecyclePolicy : IUserLifecyclePolicy
{
    private const string ExternalId = "externalId";

    private readonly UserLifecycleOptions _options;

    /// <summary>Initializes a policy from options.</summary>
    /// <param name="options">The switches.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public UserLifecyclePolicy(UserLifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Validate(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        // A copy: later changes to the options object (which may come from reloaded configuration) do not reach a
        // policy that was validated with other values.
        _options = new UserLifecycleOptions
        {
            AllowCreate = options.AllowCreate,
            AllowUpdate = options.AllowUpdate,
            AllowDeactivate = options.AllowDeactivate,
            OnDelete = options.OnDelete,
            ReactivateOnCreate = options.ReactivateOnCreate,
            Ownership = options.Ownership,
        };
        var matchBy = new List<string> { ExternalId };
        foreach (var path in options.MatchBy)
        {
            if (!matchBy.Contains(path.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                matchBy.Add(path.Trim());
            }
        }

        MatchBy = matchBy;
    }

    /// <summary>Gets the policy with the default switches (everything allowed, <c>DELETE</c> deletes, exclusive ownership).</summary>
    public static UserLifecyclePolicy Default { get; } = new(new UserLifecycleOptions());

    /// <inheritdoc/>
    public IReadOnlyList<string> MatchBy { get; }

    /// <inheritdoc/>
    public bool ReactivateOnCreate => _options.ReactivateOnCreate;

    /// <summary>Lists every problem of a set of options.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The problems, each naming its setting; empty when the options are valid.</returns>
    public static IReadOnlyList<string> Validate(UserLifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        for (var i = 0; i < options.MatchBy.Count; i++)
        {
            var path = options.MatchBy[i];
            if (string.IsNullOrWhiteSpace(path) || !AttributePath.TryParse(path, out _, out _))
            {
                problems.Add($"Lifecycle:MatchBy[{i}]: '{path}' is not a SCIM attribute path.");
            }
        }

        if (!Enum.IsDefined(options.OnDelete))
        {
            problems.Add($"Lifecycle:OnDelete: '{options.OnDelete}' is not Delete or Deactivate.");
        }

        if (!Enum.IsDefined(options.Ownership))
        {
            problems.Add($"Lifecycle:Ownership: '{options.Ownership}' is not Exclusive or Shared.");
        }

        return problems;
    }

    /// <inheritdoc/>
    public UserLifecycleDecision Decide(UserLifecycleChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Action != UserLifecycleAction.Create && _options.Ownership == UserOwnership.Exclusive &&
            change.Owner is not null && !string.Equals(change.Owner, change.Connection, StringComparison.OrdinalIgnoreCase))
        {
            return new(UserLifecycleOutcome.Deny, $"The user belongs to connection '{change.Owner}'; this connection may not change it (Lifecycle:Ownership is Exclusive).");
        }

        return change.Action switch
        {
            UserLifecycleAction.Create when !_options.AllowCreate =>
                new(UserLifecycleOutcome.Deny, "This connection may not create users (Lifecycle:AllowCreate is off)."),
            UserLifecycleAction.Update when !_options.AllowUpdate =>
                new(UserLifecycleOutcome.Deny, "This connection may not change users (Lifecycle:AllowUpdate is off)."),
            UserLifecycleAction.Reactivate when !_options.AllowUpdate =>
                new(UserLifecycleOutcome.Deny, "This connection may not reactivate users (Lifecycle:AllowUpdate is off)."),
            UserLifecycleAction.Deactivate when !_options.AllowDeactivate =>
                new(UserLifecycleOutcome.Deny, "This connection may not deactivate users (Lifecycle:AllowDeactivate is off)."),
            UserLifecycleAction.Delete when !_options.AllowDeactivate =>
                new(UserLifecycleOutcome.Deny, "This connection may not delete or deactivate users (Lifecycle:AllowDeactivate is off)."),
            UserLifecycleAction.Delete when _options.OnDelete == UserDeleteBehavior.Deactivate =>
                new(UserLifecycleOutcome.DeactivateInstead, "DELETE deactivates and keeps the user (Lifecycle:OnDelete is Deactivate)."),
            _ => UserLifecycleDecision.Allowed,
        };
    }
}
