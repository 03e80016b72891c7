// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ScimSync.Atlassian.Emulator;

/// <summary>The emulated Bitbucket Data Center (placeholder until its routes are written).</summary>
public sealed class BitbucketEmulator : EmulatedProduct
{
    /// <summary>Initializes a new instance of the <see cref="BitbucketEmulator"/> class.</summary>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public BitbucketEmulator(TimeProvider? time = null)
        : base("/bitbucket", time)
    {
    }

    /// <inheritdoc/>
    protected internal override void MapRoutes(IEndpointRouteBuilder routes)
    {
    }

    /// <inheritdoc/>
    protected internal override Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
