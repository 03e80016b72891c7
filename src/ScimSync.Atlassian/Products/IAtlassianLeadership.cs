// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian.Products;

/// <summary>What a user leads in a product and the move of that lead to someone else.</summary>
/// <param name="Kind">What is led.</param>
/// <param name="Key">The project key (for a component, the key of its project).</param>
/// <param name="Id">The component id, or <see langword="null"/> for a project.</param>
/// <param name="Name">The project's or component's name.</param>
public sealed record AtlassianLead(AtlassianLeadKind Kind, string Key, string? Id, string Name);

/// <summary>What a user can lead.</summary>
public enum AtlassianLeadKind
{
    /// <summary>A Jira project.</summary>
    Project,

    /// <summary>A Jira project component.</summary>
    Component,
}

/// <summary>
/// A product whose projects and components have leads, and which refuses to deactivate or delete a lead (Jira). Before
/// such a user is deactivated or deleted, ScimSync moves each lead to the configured default lead.
/// </summary>
public interface IAtlassianLeadership
{
    /// <summary>Lists the projects and components a user leads.</summary>
    /// <param name="username">The username.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The projects and components, projects first.</returns>
    Task<IReadOnlyList<AtlassianLead>> ListLeadsAsync(string username, CancellationToken cancellationToken);

    /// <summary>Makes another user the lead of a project or component.</summary>
    /// <param name="lead">The project or component (from <see cref="ListLeadsAsync"/>).</param>
    /// <param name="username">The new lead's username.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the lead has changed.</returns>
    Task SetLeadAsync(AtlassianLead lead, string username, CancellationToken cancellationToken);
}
