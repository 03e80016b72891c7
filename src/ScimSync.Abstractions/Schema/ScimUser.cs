// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ScimSync.Serialization;

namespace ScimSync.Schema;

/// <summary>
/// A typed view of a SCIM User: every core attribute, the Enterprise User extension and a bag for other
/// extensions. Convert to and from the canonical <see cref="JsonObject"/> with <see cref="FromJson"/> and
/// <see cref="ToJson"/>.
/// </summary>
/// <remarks>
/// RFC 7643 §4.1 (User), §4.3 (Enterprise User), §3 (common attributes). <see cref="Password"/> is read from input
/// but never written out (RFC 7643 §4.1.1: <c>returned</c> is <c>never</c>). Property names are matched ignoring
/// case when reading. The typed view does not validate: read client input with <see cref="ScimResourceReader"/>.
/// </remarks>
public sealed record ScimUser
{
    private static readonly string[] s_defaultSchemas = [ScimSchemas.User];
    private IReadOnlyList<string>? _schemas;
    private string? _password;

    /// <summary>Gets the schema URNs.</summary>
    /// <value>Defaults to the core User schema only; add the extension URNs of extensions you set.</value>
    public IReadOnlyList<string> Schemas
    {
        get => _schemas ?? s_defaultSchemas;
        init => _schemas = value;
    }

    /// <summary>Gets the service provider's identifier.</summary>
    public string? Id { get; init; }

    /// <summary>Gets the provisioning client's identifier.</summary>
    public string? ExternalId { get; init; }

    /// <summary>Gets the unique user name.</summary>
    public string? UserName { get; init; }

    /// <summary>Gets the components of the user's name.</summary>
    public ScimName? Name { get; init; }

    /// <summary>Gets the display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets the casual name.</summary>
    public string? NickName { get; init; }

    /// <summary>Gets the profile page URL.</summary>
    public string? ProfileUrl { get; init; }

    /// <summary>Gets the title, for example <c>Vice President</c>.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the relationship to the organization, for example <c>Employee</c>.</summary>
    public string? UserType { get; init; }

    /// <summary>Gets the preferred language (an <c>Accept-Language</c> value).</summary>
    public string? PreferredLanguage { get; init; }

    /// <summary>Gets the locale, for example <c>en-US</c>.</summary>
    public string? Locale { get; init; }

    /// <summary>Gets the time zone (Olson database name).</summary>
    public string? Timezone { get; init; }

    /// <summary>Gets the administrative status.</summary>
    public bool? Active { get; init; }

    /// <summary>Gets the cleartext password from input. Never serialized.</summary>
    [JsonIgnore]
    public string? Password
    {
        get => _password;
        init => _password = value;
    }

    /// <summary>Gets the email addresses.</summary>
    public IReadOnlyList<ScimMultiValue>? Emails { get; init; }

    /// <summary>Gets the phone numbers.</summary>
    public IReadOnlyList<ScimMultiValue>? PhoneNumbers { get; init; }

    /// <summary>Gets the instant messaging addresses.</summary>
    public IReadOnlyList<ScimMultiValue>? Ims { get; init; }

    /// <summary>Gets the photo URLs.</summary>
    public IReadOnlyList<ScimMultiValue>? Photos { get; init; }

    /// <summary>Gets the mailing addresses.</summary>
    public IReadOnlyList<ScimAddress>? Addresses { get; init; }

    /// <summary>Gets the groups the user belongs to (read-only).</summary>
    public IReadOnlyList<ScimGroupReference>? Groups { get; init; }

    /// <summary>Gets the entitlements.</summary>
    public IReadOnlyList<ScimMultiValue>? Entitlements { get; init; }

    /// <summary>Gets the roles.</summary>
    public IReadOnlyList<ScimMultiValue>? Roles { get; init; }

    /// <summary>Gets the X.509 certificates (base64 DER values).</summary>
    public IReadOnlyList<ScimMultiValue>? X509Certificates { get; init; }

    /// <summary>Gets the Enterprise User extension.</summary>
    [JsonPropertyName(ScimSchemas.EnterpriseUser)]
    public ScimEnterpriseUser? EnterpriseUser { get; init; }

    /// <summary>Gets the resource metadata.</summary>
    public ScimMeta? Meta { get; init; }

    /// <summary>
    /// Gets every other member: other extension objects keyed by their schema URN, with all their attributes
    /// (including ones no schema defines).
    /// </summary>
    [JsonIgnore]
    public JsonObject? Extensions { get; init; }

    // Accepts "password" on input; the getter returns null so WhenWritingNull never writes it.
    [JsonInclude]
    [JsonPropertyName("password")]
    internal string? PasswordInput
    {
        get => null;
        set => _password = value;
    }

    /// <summary>Creates a typed user from a canonical resource.</summary>
    /// <param name="resource">The resource.</param>
    /// <returns>The user.</returns>
    /// <exception cref="JsonException">A value does not have the expected JSON type.</exception>
    public static ScimUser FromJson(JsonObject resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource.Deserialize(ScimJsonContext.Default.ScimUser)! with { Extensions = ScimJson.CollectExtensions(resource, ScimSchemas.EnterpriseUser) };
    }

    /// <summary>Creates a typed user from UTF-8 JSON.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <returns>The user.</returns>
    /// <exception cref="JsonException">The text is not a JSON object of the expected shape.</exception>
    public static ScimUser FromUtf8Json(ReadOnlySpan<byte> utf8Json) =>
        FromJson(JsonNode.Parse(utf8Json) as JsonObject ?? throw new JsonException("Expected a JSON object."));

    /// <summary>Converts the user to a canonical resource (without <c>password</c>).</summary>
    /// <returns>A new object.</returns>
    public JsonObject ToJson() => ScimJson.AddExtensions(JsonSerializer.SerializeToNode(this, ScimJsonContext.Default.ScimUser)!.AsObject(), Extensions);

    /// <summary>Serializes the user as UTF-8 JSON (without <c>password</c>).</summary>
    /// <returns>The JSON bytes.</returns>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(ToJson(), ScimJsonContext.Default.JsonObject);

    /// <inheritdoc/>
    public override string ToString() => $"ScimUser {{ Id = {Id}, UserName = {UserName} }}";
}
