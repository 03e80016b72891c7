// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Policies;

/// <summary>Computes the target's view of a user (user name, email, display name, custom attributes) from the incoming one.</summary>
/// <remarks>The default is <see cref="AttributeMappingPolicy"/>, configured by <see cref="AttributeMappingOptions"/>.</remarks>
public interface IAttributeMappingPolicy
{
    /// <summary>Gets the URN of the extension schema the custom attributes are stored in.</summary>
    string CustomSchema { get; }

    /// <summary>Gets the names of the custom attributes the policy produces.</summary>
    IReadOnlyCollection<string> CustomAttributeNames { get; }

    /// <summary>Maps a user.</summary>
    /// <param name="user">The incoming SCIM user, in canonical form (as the reader produced it).</param>
    /// <returns>The mapped values and every decision that dropped or changed a value.</returns>
    AttributeMappingResult Map(JsonObject user);

    /// <summary>
    /// Gets the connection's precedence for a target attribute, used when several connections write the same user
    /// (see <see cref="AttributePrecedence"/>): the highest precedence with a value wins.
    /// </summary>
    /// <param name="attribute">The target attribute: <c>userName</c>, <c>email</c>, <c>displayName</c> or a custom attribute's name (ignoring case).</param>
    /// <returns>The precedence; 0 unless configured.</returns>
    int PrecedenceOf(string attribute);
}

/// <summary>The target's view of a user's attributes, as a mapping produced it.</summary>
/// <param name="UserName">The target user name, or <see langword="null"/> when no source gave one.</param>
/// <param name="Email">The target email, or <see langword="null"/>.</param>
/// <param name="DisplayName">The target display name, or <see langword="null"/>.</param>
/// <param name="CustomAttributes">The custom attributes that have a value, by name.</param>
public sealed record MappedUser(
    string? UserName,
    string? Email,
    string? DisplayName,
    IReadOnlyDictionary<string, string> CustomAttributes);

/// <summary>The outcome of <see cref="IAttributeMappingPolicy.Map"/>.</summary>
/// <param name="User">The mapped values.</param>
/// <param name="Decisions">What the mapping dropped or changed, and why (a regular expression that timed out, a
/// source that gave no value…), for the provisioning log.</param>
public sealed record AttributeMappingResult(MappedUser User, IReadOnlyList<PolicyDecision> Decisions);

/// <summary>A decision of a policy that dropped or changed data, with its reason, as the provisioning log shows it.</summary>
/// <param name="Policy">The policy: <see cref="PolicyNames"/>.</param>
/// <param name="Subject">What it is about: a target attribute (<c>userName</c>), a group name, a switch.</param>
/// <param name="Reason">Why, in one sentence, without attribute values that could be personal data.</param>
public sealed record PolicyDecision(string Policy, string Subject, string Reason);

/// <summary>The names of the built-in policies, as <see cref="PolicyDecision.Policy"/> uses them.</summary>
public static class PolicyNames
{
    /// <summary>Attribute mapping.</summary>
    public const string AttributeMapping = "attributeMapping";

    /// <summary>User lifecycle switches and ownership.</summary>
    public const string Lifecycle = "lifecycle";

    /// <summary>Group mapping and default groups.</summary>
    public const string GroupMapping = "groupMapping";

    /// <summary>The safety brake.</summary>
    public const string SafetyBrake = "safetyBrake";
}
