// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ScimSync.Tool.Load;

/// <summary>
/// <c>scimsync ceiling</c>: bare Kestrel answering every SCIM request of the load cycle with precomputed bytes. What
/// it reaches is the most any server can reach on the machine, so load reports give a server's share of it.
/// </summary>
internal static class CeilingCommand
{
    private static readonly byte[] s_resource = Encoding.UTF8.GetBytes(
        """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"00000000-0000-0000-0000-000000000001","userName":"ceiling","meta":{"resourceType":"User","version":"W/\"1\""}}""");

    private static readonly byte[] s_list = Encoding.UTF8.GetBytes(
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}""");

    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5090" };
        var command = new Command("ceiling", "Serve precomputed SCIM responses on bare Kestrel: the machine's ceiling for 'scimsync load --ceiling'.") { urls };
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var app = Build(result.GetValue(urls)!);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Ceiling listening on {result.GetValue(urls)} (SCIM base URL: {result.GetValue(urls)}/scim/v2); Ctrl+C stops it.");
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static WebApplication Build(string urls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        var app = builder.Build();
        app.Run(Answer);
        return app;
    }

    private static async Task Answer(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            // Read the body as any server must.
            await request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
        }

        var (status, body) = request.Method switch
        {
            "POST" => (StatusCodes.Status201Created, s_resource),
            "PATCH" or "PUT" => (StatusCodes.Status200OK, s_resource),
            "DELETE" => (StatusCodes.Status204NoContent, []),
            _ => request.Query.ContainsKey("filter") || request.Query.ContainsKey("startIndex") ? (StatusCodes.Status200OK, s_list) : (StatusCodes.Status200OK, s_resource),
        };
        context.Response.StatusCode = status;
        if (body.Length > 0)
        {
            context.Response.ContentType = "application/scim+json";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
