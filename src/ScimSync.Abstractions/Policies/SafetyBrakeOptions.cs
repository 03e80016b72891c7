// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Policies;

/// <summary>
/// The safety brake of a connection: when the identity provider starts deactivating or deleting more users than
/// usual, or empties a large group in one request, the connection's destructive changes are held (answered with 503
/// and <c>Retry-After</c>, nothing written) until an operator approves or discards them. Bound per connection from
/// configuration (<c>ScimSync:Connections:{name}:Policies:SafetyBrake</c>).
/// </summary>
/// <remarks>
/// Guards against a misconfigured scope or a broken sync rule in the identity provider removing everyone at once.
/// Non-destructive changes (creates, updates, additions) keep flowing while the brake is engaged.
/// </remarks>
public sealed class SafetyBrakeOptions
{
    /// <summary>Gets or sets a value indicating whether the brake is on.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>
    /// Gets or sets the share of the directory's users that may be deactivated or deleted within <see cref="Window"/>
    /// before the brake engages, in percent.
    /// </summary>
    /// <value>Defaults to 5.</value>
    public double MaxDeactivatedPercent { get; set; } = 5;

    /// <summary>
    /// Gets or sets how many deactivations or deletions within <see cref="Window"/> are always allowed, whatever the
    /// directory's size (so that a small directory does not trip on its first departure).
    /// </summary>
    /// <value>Defaults to 10.</value>
    public int MinimumDeactivations { get; set; } = 10;

    /// <summary>Gets or sets the sliding window deactivations and deletions are counted in.</summary>
    /// <value>Defaults to one hour.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how many members one request may remove from a group (including deleting a group with more
    /// members) before the brake engages.
    /// </summary>
    /// <value>Defaults to 100.</value>
    public int MaxMembersRemovedPerRequest { get; set; } = 100;

    /// <summary>Gets or sets the <c>Retry-After</c> of a held change.</summary>
    /// <value>Defaults to 10 minutes.</value>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Lists every problem of a set of options.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The problems, each naming its setting; empty when the options are valid.</returns>
    public static IReadOnlyList<string> Validate(SafetyBrakeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (double.IsNaN(options.MaxDeactivatedPercent) || options.MaxDeactivatedPercent is < 0 or > 100)
        {
            problems.Add("SafetyBrake:MaxDeactivatedPercent must be between 0 and 100.");
        }

        if (options.MinimumDeactivations < 0)
        {
            problems.Add("SafetyBrake:MinimumDeactivations must not be negative.");
        }

        if (options.Window <= TimeSpan.Zero)
        {
            problems.Add("SafetyBrake:Window must be positive.");
        }

        if (options.MaxMembersRemovedPerRequest < 0)
        {
            problems.Add("SafetyBrake:MaxMembersRemovedPerRequest must not be negative.");
        }

        if (options.RetryAfter < TimeSpan.FromSeconds(1) || options.RetryAfter > TimeSpan.FromHours(1))
        {
            problems.Add("SafetyBrake:RetryAfter must be between 1 second and 1 hour.");
        }

        return problems;
    }
}
