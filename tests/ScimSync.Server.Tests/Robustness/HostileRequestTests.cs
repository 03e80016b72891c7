// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimSync.Server.Tests.Robustness;

/// <summary>
/// Random splices of real request fragments sent to every write and query endpoint: the server answers each with a
/// success or a SCIM error body (never a 5xx, never another body), and a failed write changes nothing. The seed is
/// fixed so a failure reproduces.
/// </summary>
public sealed class HostileRequestTests
{
    private static readonly string[] s_bodyFragments =
    [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u00", "null", "true", "false", "\"False\"", "0", "-1", "1e999",
        "\"schemas\"", "[\"urn:ietf:params:scim:schemas:core:2.0:User\"]", "[\"urn:ietf:params:scim:schemas:core:2.0:Group\"]",
        "[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]", "\"Operations\"", "\"op\"", "\"Add\"", "\"replace\"",
        "\"remove\"", "\"path\"", "\"value\"", "\"members\"", "\"members[value eq \\\"x\\\"]\"", "\"emails[type eq \\\"work\\\"].value\"",
        "\"userName\"", "\"displayName\"", "\"name\"", "\"emails\"", "\"primary\"", "\"active\"", "\"id\"", "\"meta\"",
        "\"groups\"", "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"", "\"manager\"", " ", "\u00e9",
    ];

    private static readonly string[] s_queryFragments =
    [
        "userName", "emails", "emails.value", "members", "members.value", "meta.lastModified", "id", "x", "$ref",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", " eq ", " ne ", " co ", " sw ", " gt ",
        " pr", " and ", " or ", "not ", "(", ")", "[", "]", "\"a\"", "\"2011-05-13T04:42:34Z\"", "1", "true", "null",
        "\"", "'; DROP TABLE users; --", "%", "\\", ",", ".", "-1", "0", "99999999999",
    ];

    [Fact]
    public async Task Endpoints_RandomBodiesAndQueries_AnswerWithScimErrorsAndChangeNothingOnFailure()
    {
        await using var host = await ScimTestHost.StartAsync();
        var user = await host.CreateUserAsync("fuzz.target", ""","emails":[{"value":"f@example.com","type":"work"}]""");
        var group = await host.CreateGroupAsync("fuzz group", (string)user["id"]!);
        var userPath = $"Users/{user["id"]}";
        var groupPath = $"Groups/{group["id"]}";
        var random = new Random(20261128);
        var failures = 0;

        for (var i = 0; i < 600; i++)
        {
            var body = Splice(random, s_bodyFragments, 30, "");
            var query = Splice(random, s_queryFragments, 8, "");
            var target = random.Next(2) == 0 ? userPath : groupPath;
            var before = await SnapshotAsync(host, target);
            var response = (i % 6) switch
            {
                0 => await host.Client.PostAsync(random.Next(2) == 0 ? "Users" : "Groups", ScimTestHost.Json(body)),
                1 => await host.Client.PutAsync(target, ScimTestHost.Json(body)),
                2 => await host.Client.PatchAsync(target, ScimTestHost.Json(body)),
                3 => await host.Client.PatchAsync(target, ScimTestHost.Json(PatchShaped(random))),
                4 => await host.Client.GetAsync($"Users?filter={Uri.EscapeDataString(query)}&sortBy={Uri.EscapeDataString(Splice(random, s_queryFragments, 2, ""))}"),
                _ => await host.Client.GetAsync($"{target}?attributes={Uri.EscapeDataString(query)}&startIndex={random.Next(-2, 3)}&count={random.Next(-2, 3)}"),
            };

            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"{status} for request {i}: {body} / {query}\n{await response.Content.ReadAsStringAsync()}");
            if (status >= 400)
            {
                failures++;
                await AssertScimErrorAsync(response, status);
                if (i % 6 is 1 or 2 or 3)
                {
                    Assert.Equal(before, await SnapshotAsync(host, target));
                }
            }
        }

        // The generator must reach past the JSON parser, or the test would prove little.
        Assert.InRange(failures, 100, 599);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(userPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(groupPath)).StatusCode);
    }

    private static string PatchShaped(Random random)
    {
        var op = new[] { "add", "Replace", "remove", "copy" }[random.Next(4)];
        var path = s_bodyFragments[random.Next(26, 42)];
        var value = Splice(random, s_bodyFragments, 4, "\"v\"");
        return $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"{{op}}","path":{{path}},"value":{{value}}}]}""";
    }

    private static string Splice(Random random, string[] fragments, int maxParts, string fallback)
    {
        var count = random.Next(maxParts + 1);
        if (count == 0)
        {
            return fallback;
        }

        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Append(fragments[random.Next(fragments.Length)]);
        }

        return builder.ToString();
    }

    private static async Task<string> SnapshotAsync(ScimTestHost host, string path)
    {
        var response = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task AssertScimErrorAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        JsonObject error;
        try
        {
            error = JsonNode.Parse(text)!.AsObject();
        }
        catch (JsonException)
        {
            Assert.Fail($"not a JSON error body: {text}");
            return;
        }

        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", (string?)error["schemas"]![0]);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)error["status"]);
    }
}
