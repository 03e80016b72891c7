// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Policies;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Endpoints;

/// <summary>
/// <c>POST /Preview/Users</c> and <c>POST /Preview/Groups</c>: the dry run of the connection's mapping policies
/// (<see cref="ScimPolicyPreview"/>). Always 200 with the outcome, including a refusal the real request would get;
/// 400 only for a body that is not a JSON object. Nothing is written.
/// </summary>
internal static class PreviewEndpoints
{
    /// <summary>The message schema of a preview response (a ScimSync extension, not an RFC 7644 message).</summary>
    public const string Schema = "urn:scimsync:params:scim:api:messages:2.0:PolicyPreview";

    public static async Task<IResult> PreviewUserAsync(HttpContext context)
    {
        var input = await ReadObjectAsync(context).ConfigureAwait(false);
        var preview = await ScimPolicyPreview.PreviewUserAsync(ScimRequest.OperationContext(context), input).ConfigureAwait(false);
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(Schema),
            ["action"] = preview.Action,
            ["existingUserId"] = preview.ExistingUserId,
        };
        if (preview.Target is { } target)
        {
            var custom = new JsonObject();
            foreach (var (name, value) in target.CustomAttributes)
            {
                custom[name] = value;
            }

            body["target"] = new JsonObject
            {
                ["userName"] = target.UserName,
                ["email"] = target.Email,
                ["displayName"] = target.DisplayName,
                ["customAttributes"] = custom,
            };
        }

        var memberships = new JsonArray();
        foreach (var membership in preview.Memberships)
        {
            foreach (var source in membership.Sources)
            {
                memberships.Add(new JsonObject
                {
                    ["group"] = membership.Group,
                    ["connection"] = source.Connection,
                    ["rule"] = source.Rule,
                    ["source"] = source.SourceGroupId,
                });
            }
        }

        body["memberships"] = memberships;
        body["groupsJoined"] = Strings(preview.GroupsJoined);
        body["groupsLeft"] = Strings(preview.GroupsLeft);
        body["decisions"] = Decisions(preview.Decisions);
        if (preview.Error is { } error)
        {
            body["error"] = Error(error);
        }

        return ScimResults.Json(StatusCodes.Status200OK, body);
    }

    public static async Task<IResult> PreviewGroupAsync(HttpContext context)
    {
        var input = await ReadObjectAsync(context).ConfigureAwait(false);
        var preview = ScimPolicyPreview.PreviewGroup(ScimRequestContext.Get(context).Connection, input);
        var targets = new JsonArray();
        foreach (var target in preview.Targets)
        {
            targets.Add(new JsonObject { ["group"] = target.Name, ["rule"] = target.Rule });
        }

        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(Schema),
            ["displayName"] = preview.Group?.DisplayName,
            ["externalId"] = preview.Group?.ExternalId,
            ["targets"] = targets,
            ["members"] = preview.Members,
            ["decisions"] = Decisions(preview.Decisions),
        };
        if (preview.Error is { } error)
        {
            body["error"] = Error(error);
        }

        return ScimResults.Json(StatusCodes.Status200OK, body);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        var bytes = await ScimRequest.ReadJsonBodyAsync(context).ConfigureAwait(false);
        try
        {
            return JsonNode.Parse(bytes) as JsonObject ?? throw new ScimException(ScimError.InvalidSyntax("The request body must be a JSON object.", 0));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ScimException(ScimError.InvalidSyntax("The request body is not valid JSON: " + e.Message, (int?)e.BytePositionInLine));
        }
    }

    private static JsonArray Strings(IReadOnlyList<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add((JsonNode)value);
        }

        return array;
    }

    private static JsonArray Decisions(IReadOnlyList<PolicyDecision> decisions)
    {
        var array = new JsonArray();
        foreach (var decision in decisions)
        {
            array.Add(new JsonObject { ["policy"] = decision.Policy, ["subject"] = decision.Subject, ["reason"] = decision.Reason });
        }

        return array;
    }

    private static JsonObject Error(ScimError error) => new()
    {
        ["status"] = error.Status,
        ["scimType"] = error.ScimType,
        ["detail"] = error.Detail,
    };
}
