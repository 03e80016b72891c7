// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;

namespace ScimSync.Server.Internal;

/// <summary>Where the SCIM endpoints are mapped, to build absolute <c>meta.location</c> URLs.</summary>
internal sealed class ScimRoute(string prefix)
{
    public string Prefix { get; } = prefix.TrimEnd('/');

    public string BaseUrl(HttpRequest request) =>
        string.Concat(request.Scheme, "://", request.Host.ToUriComponent(), request.PathBase.ToUriComponent(), Prefix);
}
