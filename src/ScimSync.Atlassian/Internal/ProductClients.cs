// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Atlassian.Jira;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Internal;

/// <summary>The client of each product.</summary>
internal static class ProductClients
{
    public static AtlassianProductClient Create(AtlassianProduct product, HttpClient http) => product switch
    {
        AtlassianProduct.Jira => new JiraClient(http),
        _ => throw new NotSupportedException($"No client for {product} yet."),
    };
}
