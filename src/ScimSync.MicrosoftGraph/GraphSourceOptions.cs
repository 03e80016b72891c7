// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.RegularExpressions;
using ScimSync.Pull;

namespace ScimSync.MicrosoftGraph;

/// <summary>
/// Options of one Microsoft Graph pull connection (bound from <c>ScimSync:MicrosoftGraph:{connection}</c>): the app
/// registration the connector signs in as, where Graph and the identity platform are, which users and groups are read,
/// and how hard the connector retries.
/// </summary>
public sealed partial class GraphSourceOptions : PullSourceOptions
{
    /// <summary>Gets or sets the directory (tenant) id or a verified domain of the tenant.</summary>
    public string? TenantId { get; set; }

    /// <summary>Gets or sets the application (client) id of the app registration.</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the client secret; leave empty when a certificate is used. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// Gets or sets the path of the certificate whose public key is registered on the app: a PKCS#12 file
    /// (<c>.pfx</c>, <c>.p12</c>) or a PEM file holding the certificate and its private key.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>Gets or sets the password of the certificate file (PKCS#12, or an encrypted PEM key), if any. Never logged.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Gets or sets the Microsoft identity platform host that issues tokens; https only (MSAL accepts no other).</summary>
    /// <value>Defaults to <c>https://login.microsoftonline.com</c> (national clouds have their own).</value>
    public Uri AuthorityHost { get; set; } = new("https://login.microsoftonline.com");

    /// <summary>Gets or sets the Graph endpoint with its version.</summary>
    /// <value>Defaults to <c>https://graph.microsoft.com/v1.0</c>.</value>
    public Uri GraphBaseAddress { get; set; } = new("https://graph.microsoft.com/v1.0");

    /// <summary>
    /// Gets the operator's changes to the default attribute map: SCIM path (or <c>enterprise.x</c>) to Graph user
    /// property, for example <c>enterprise.employeeNumber</c> to <c>employeeId</c>; one level of nesting is read
    /// (<c>onPremisesExtensionAttributes.extensionAttribute1</c>); an empty value removes a default.
    /// </summary>
    public IDictionary<string, string> AttributeMap { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the ids of the groups that make the scope, or an empty list for the whole tenant. With groups, only these
    /// groups are read, and the users read are their direct user members (listed in full on every run, since Graph has
    /// no delta of a group's members' profiles); groups are still read by delta. At most 50.
    /// </summary>
    public IList<string> GroupIds { get; } = [];

    /// <summary>Gets or sets how many objects Graph returns per page (<c>$top</c>).</summary>
    /// <value>Defaults to 200 (Graph allows 1 to 999).</value>
    public int PageSize { get; set; } = 200;

    /// <summary>Gets or sets how long one HTTP attempt may take.</summary>
    /// <value>Defaults to 100 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Gets or sets how many times a throttled (429), unavailable (503) or failed (5xx, network) request is retried.</summary>
    /// <value>Defaults to 5.</value>
    public int MaxRetries { get; set; } = 5;

    /// <summary>Gets or sets the first delay between retries when Graph sends no <c>Retry-After</c>; it doubles each time.</summary>
    /// <value>Defaults to 2 seconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the longest wait the connector accepts, from <c>Retry-After</c> or its own back-off.</summary>
    /// <value>Defaults to 5 minutes.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc/>
    public override IList<string> Validate()
    {
        var problems = new List<string>(base.Validate());
        if (string.IsNullOrWhiteSpace(TenantId))
        {
            problems.Add("TenantId is required (the directory id of the tenant).");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            problems.Add("ClientId is required (the application id of the app registration).");
        }

        var hasSecret = !string.IsNullOrEmpty(ClientSecret);
        var hasCertificate = !string.IsNullOrWhiteSpace(CertificatePath);
        if (hasSecret && hasCertificate)
        {
            problems.Add("Give either ClientSecret or CertificatePath, not both.");
        }
        else if (!hasSecret && !hasCertificate)
        {
            problems.Add("A credential is required: ClientSecret or CertificatePath.");
        }
        else if (hasCertificate && !File.Exists(CertificatePath))
        {
            problems.Add($"CertificatePath: no file at '{CertificatePath}'.");
        }

        CheckAddress(problems, nameof(AuthorityHost), AuthorityHost, httpOnLoopback: false);
        CheckAddress(problems, nameof(GraphBaseAddress), GraphBaseAddress, httpOnLoopback: true);
        problems.AddRange(SourceAttributeMap.Validate(AttributeMap, IsGraphPropertyName));
        if (GroupIds.Count > 50)
        {
            problems.Add("GroupIds: at most 50 groups (Graph's delta $filter takes at most 50 ids).");
        }

        foreach (var id in GroupIds)
        {
            if (!Guid.TryParse(id, out _))
            {
                problems.Add($"GroupIds: '{id}' is not a group object id (a GUID).");
            }
        }

        if (PageSize is < 1 or > 999)
        {
            problems.Add("PageSize must be between 1 and 999.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            problems.Add("Timeout must be positive.");
        }

        if (MaxRetries is < 0 or > 20)
        {
            problems.Add("MaxRetries must be between 0 and 20.");
        }

        if (RetryDelay < TimeSpan.Zero || MaxRetryDelay < TimeSpan.Zero)
        {
            problems.Add("RetryDelay and MaxRetryDelay cannot be negative.");
        }

        return problems;
    }

    /// <summary>Tells whether a text is a Graph property name, or one nested property (<c>a.b</c>).</summary>
    internal static bool IsGraphPropertyName(string name) => PropertyName().IsMatch(name);

    private static void CheckAddress(List<string> problems, string name, Uri? address, bool httpOnLoopback)
    {
        if (address is null || !address.IsAbsoluteUri)
        {
            problems.Add($"{name} must be an absolute URL.");
        }
        else if (address.Scheme != Uri.UriSchemeHttps && !(httpOnLoopback && address.Scheme == Uri.UriSchemeHttp && address.IsLoopback))
        {
            // MSAL accepts only https authorities.
            problems.Add(httpOnLoopback
                ? $"{name} must use https (http only on a loopback address, for an emulator)."
                : $"{name} must use https.");
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PropertyName();
}
