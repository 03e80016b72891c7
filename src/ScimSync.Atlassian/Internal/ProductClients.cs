// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Atlassian.Bitbucket;
using ScimSync.Atlassian.Confluence;
using ScimSync.Atlassian.Jira;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Internal;

/// <summary>The client of each product.</summary>
internal static class ProductClients
{
    public static AtlassianProductClient Create(AtlassianProduct product, HttpClient http) => product switch
    {
        AtlassianProduct.Jira => new JiraClient(http),
        AtlassianProduct.Confluence => new ConfluenceClient(http),
        AtlassianProduct.Bitbucket => new BitbucketClient(http),
        _ => throw new ArgumentOutOfRangeException(nameof(product), product, "Not an Atlassian product."),
    };
}
