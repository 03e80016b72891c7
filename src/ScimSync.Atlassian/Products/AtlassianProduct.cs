// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian.Products;

/// <summary>An Atlassian Data Center product a target writes to.</summary>
public enum AtlassianProduct
{
    /// <summary>Jira Software, Jira Service Management or Jira Work Management Data Center.</summary>
    Jira,

    /// <summary>Confluence Data Center.</summary>
    Confluence,

    /// <summary>Bitbucket Data Center.</summary>
    Bitbucket,
}
