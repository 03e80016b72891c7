// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ScimSync.Atlassian.Emulator;

/// <summary>The emulated Jira Data Center (placeholder until its routes are written).</summary>
public sealed class JiraEmulator : EmulatedProduct
{
    /// <summary>Initializes a new instance of the <see cref="JiraEmulator"/> class.</summary>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public JiraEmulator(TimeProvider? time = null)
        : base("/jira", time)
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
