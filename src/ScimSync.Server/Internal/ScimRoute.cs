// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;

namespace ScimSync.Server.Internal;

/// <summary>
/// Where the SCIM endpoints are mapped (<c>{prefix}/{connection}/v2</c>), to build absolute <c>meta.location</c> URLs.
/// </summary>
internal sealed class ScimRoute(string prefix)
{
    public const string ConnectionParameter = "connection";

    public string Prefix { get; } = prefix.TrimEnd('/');

    /// <summary>The route pattern of a connection's SCIM root.</summary>
    public string Pattern => Prefix + "/{" + ConnectionParameter + "}/v2";

    /// <summary>The SCIM base URL of the request's connection, as the connection's configured name spells it.</summary>
    public string BaseUrl(HttpContext context) => BaseUrl(context.Request, ScimRequestContext.Get(context).Connection.Name);

    public string BaseUrl(HttpRequest request, string connection) =>
        string.Concat(request.Scheme, "://", request.Host.ToUriComponent(), request.PathBase.ToUriComponent(), Prefix, "/", Uri.EscapeDataString(connection), "/v2");
}
