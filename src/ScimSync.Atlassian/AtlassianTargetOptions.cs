// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian;

/// <summary>How changes reach an Atlassian product.</summary>
public enum AtlassianWriteMode
{
    /// <summary>
    /// Each SCIM write is applied to the product first and committed to ScimSync's store only when the product has
    /// taken it: while the product is down, the SCIM client gets 503 with <c>Retry-After</c> and ScimSync's store is
    /// unchanged (the client's retry completes the change).
    /// </summary>
    WriteThrough,

    /// <summary>
    /// Each SCIM write is committed to ScimSync's store and recorded in a durable outbox; a background worker brings
    /// the product in line, in order, retrying while the product is down. SCIM clients never wait for the product.
    /// </summary>
    Queued,
}

/// <summary>What a target does in the product when ScimSync deletes a user.</summary>
public enum AtlassianUserDeletion
{
    /// <summary>Deactivate the product's user (history, issues and pages keep their author). The default.</summary>
    Deactivate,

    /// <summary>Delete the product's user.</summary>
    Delete,
}

/// <summary>
/// One Atlassian target: a product instance, its credentials, the ScimSync directory whose users and groups it
/// receives, and the product policies of the commercial provisioning apps (default groups, default leads, user
/// properties). Bound from <c>ScimSync:Atlassian:{name}</c>.
/// </summary>
public sealed class AtlassianTargetOptions
{
    /// <summary>Gets or sets the product.</summary>
    public AtlassianProduct Product { get; set; }

    /// <summary>
    /// Gets or sets the product's base URL including any context path, for example
    /// <c>https://jira.example.com/</c> or <c>https://example.com/confluence/</c>.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// Gets or sets a personal access token (sent as <c>Authorization: Bearer</c>) of an administrator of the product.
    /// Preferred over <see cref="Username"/> and <see cref="Password"/>.
    /// </summary>
    public string? PersonalAccessToken { get; set; }

    /// <summary>Gets or sets an administrator's username for basic authentication.</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets an administrator's password for basic authentication.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the ScimSync directory whose users and groups the product receives.</summary>
    /// <value>Required. Connections provision into a directory named after them unless they name another.</value>
    public string? Directory { get; set; }

    /// <summary>Gets or sets how changes reach the product.</summary>
    /// <value>Defaults to <see cref="AtlassianWriteMode.WriteThrough"/>.</value>
    public AtlassianWriteMode Mode { get; set; } = AtlassianWriteMode.WriteThrough;

    /// <summary>
    /// Gets the groups every provisioned, active user is kept in (for example <c>jira-software-users</c>,
    /// <c>confluence-users</c>, <c>stash-users</c>): created when missing and re-added when removed.
    /// </summary>
    public IList<string> DefaultGroups { get; } = [];

    /// <summary>Gets the groups a user is added to once, when the target creates the user in the product.</summary>
    public IList<string> DefaultGroupsForNewUsers { get; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether users the product already has (with the same username) are taken
    /// over and updated. When <see langword="false"/>, such a user is refused instead.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool AdoptExistingUsers { get; set; } = true;

    /// <summary>Gets or sets what happens in the product when ScimSync deletes a user.</summary>
    /// <value>Defaults to <see cref="AtlassianUserDeletion.Deactivate"/>.</value>
    public AtlassianUserDeletion UserDeletion { get; set; } = AtlassianUserDeletion.Deactivate;

    /// <summary>
    /// Gets or sets a value indicating whether ScimSync's groups (the identity provider's groups, as provisioned) are
    /// written to the product as groups of the same name with the same members. Turn it off when the connections'
    /// group mapping policies decide the product groups: users then join the target groups their provisioning
    /// extension lists (on-the-fly, manual and default group mapping), and the identity provider's own groups stay
    /// in ScimSync.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    /// <remarks>
    /// Whatever this says, a user written by a connection with mapping policies gets the product username, email,
    /// display name and groups its policies computed (<c>ProvisionedUser</c>), not the identity provider's raw values.
    /// </remarks>
    public bool WriteScimGroups { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether deleting a group in ScimSync deletes the product's group. When
    /// <see langword="false"/> the product's group is left as it is (permission schemes may name it).
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool DeleteGroups { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether members added to a ScimSync-managed group by hand in the product are
    /// kept. When <see langword="false"/>, the product's group mirrors ScimSync's members exactly.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool KeepUnmanagedMembers { get; set; }

    /// <summary>
    /// Gets or sets the username that becomes lead of the Jira projects a user led, before that user is deactivated
    /// or deleted (Jira refuses to deactivate or delete a project lead). Jira only.
    /// </summary>
    public string? DefaultProjectLead { get; set; }

    /// <summary>
    /// Gets or sets the username that becomes lead of the Jira components a user led, before that user is
    /// deactivated or deleted. Jira only; defaults to <see cref="DefaultProjectLead"/> when not set.
    /// </summary>
    public string? DefaultComponentLead { get; set; }

    /// <summary>
    /// Gets the custom attributes written as Jira user properties: property key to SCIM attribute path (for example
    /// <c>"department"</c> → <c>"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"</c>). A
    /// property whose attribute has no value is deleted. Jira only.
    /// </summary>
    public IDictionary<string, string> UserProperties { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the email written for users without one (the products require an address):
    /// <c>{0}</c> is replaced by the username.
    /// </summary>
    /// <value>Defaults to <c>{0}@users.invalid</c> (a reserved domain that never delivers).</value>
    public string MissingEmailFormat { get; set; } = "{0}@users.invalid";

    /// <summary>Gets or sets the time one HTTP attempt may take.</summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many times a failed request (no answer, 5xx, 429) is retried, with backoff.</summary>
    /// <value>Defaults to 3.</value>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the delay before the first retry (doubled, with jitter, for each further one).</summary>
    /// <value>Defaults to one second.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long the circuit stays open (requests fail at once) after repeated failures.</summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest a write-through request waits for the product in total, retries included.</summary>
    /// <value>Defaults to 60 seconds.</value>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Checks the options and returns every problem found.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (BaseAddress is null || !BaseAddress.IsAbsoluteUri || (BaseAddress.Scheme != Uri.UriSchemeHttp && BaseAddress.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add("BaseAddress must be an absolute http or https URL.");
        }

        if (string.IsNullOrEmpty(PersonalAccessToken) && (string.IsNullOrEmpty(Username) || Password is null))
        {
            problems.Add("Set PersonalAccessToken, or Username and Password.");
        }

        if (string.IsNullOrWhiteSpace(Directory))
        {
            problems.Add("Directory (the ScimSync directory whose users the product receives) is required.");
        }

        if (Product != AtlassianProduct.Jira)
        {
            if (UserProperties.Count > 0)
            {
                problems.Add($"UserProperties are written as Jira user properties; {Product} has no equivalent in its REST API.");
            }

            if (DefaultProjectLead is not null || DefaultComponentLead is not null)
            {
                problems.Add($"DefaultProjectLead and DefaultComponentLead apply to Jira only, not {Product}.");
            }
        }

        if (!MissingEmailFormat.Contains("{0}", StringComparison.Ordinal) || !MissingEmailFormat.Contains('@', StringComparison.Ordinal))
        {
            problems.Add("MissingEmailFormat must contain {0} (the username) and an @.");
        }

        if (AttemptTimeout <= TimeSpan.Zero || TotalTimeout < AttemptTimeout)
        {
            problems.Add("AttemptTimeout must be positive and no longer than TotalTimeout.");
        }

        if (MaxRetries is < 0 or > 10)
        {
            problems.Add("MaxRetries must be between 0 and 10.");
        }

        if (RetryDelay <= TimeSpan.Zero || BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            problems.Add("RetryDelay must be positive and BreakDuration at least 500 ms.");
        }

        return problems;
    }
}
