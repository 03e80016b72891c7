// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ScimSync.Server.Tests.Robustness;

/// <summary>
/// Bodies whose JSON is well-formed but whose strings are not text: invalid UTF-8 bytes and unpaired surrogate
/// escapes. System.Text.Json parses them and throws <see cref="InvalidOperationException"/> only when a string is
/// read, which the server answered with 500 before tests/ScimSync.Fuzz found it. Each must be a 400
/// <c>invalidSyntax</c> and change nothing.
/// </summary>
public sealed class InvalidTextTests
{
    public static TheoryData<string, string> Requests => new()
    {
        { "POST", "Users" },
        { "PUT", "Users/{user}" },
        { "PATCH", "Users/{user}" },
        { "PATCH", "Groups/{group}" },
        { "POST", "Bulk" },
        { "POST", "Users/.search" },
        { "POST", ".search" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Write_InvalidUtf8OrUnpairedSurrogateInString_Returns400InvalidSyntax(string method, string path)
    {
        await using var host = await ScimTestHost.StartAsync();
        var user = await host.CreateUserAsync("text.user");
        var group = await host.CreateGroupAsync("text group", (string)user["id"]!);
        var target = path.Replace("{user}", (string)user["id"]!, StringComparison.Ordinal).Replace("{group}", (string)group["id"]!, StringComparison.Ordinal);
        var before = await SnapshotAsync(host, user, group);

        foreach (var bad in (byte[][])[[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], "\\ud800"u8.ToArray(), "\\udc00x"u8.ToArray()])
        {
            foreach (var body in Bodies(method, target, bad))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), target) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/scim+json");
                var response = await host.Client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();

                if (path == "Bulk" && response.StatusCode == HttpStatusCode.OK)
                {
                    // A bad operation fails alone inside a 200 BulkResponse (RFC 7644 §3.7.3).
                    Assert.Contains("\"status\":\"400\"", text, StringComparison.Ordinal);
                    Assert.Contains("invalidSyntax", text, StringComparison.Ordinal);
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {target} {Convert.ToHexString(bad)}: {(int)response.StatusCode} {text}");
                    Assert.Contains("invalidSyntax", text, StringComparison.Ordinal);
                }
            }
        }

        Assert.Equal(before, await SnapshotAsync(host, user, group));
    }

    // The bad bytes in a member name and in a value, of the body the endpoint expects.
    private static IEnumerable<byte[]> Bodies(string method, string path, byte[] bad)
    {
        string[] templates = (method, path) switch
        {
            ("PATCH", _) =>
            [
                """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"x§"}]}""",
                """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"§":"x"}}]}""",
            ],
            ("POST", "Bulk") =>
            [
                """{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","bulkId":"§","path":"/Users","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bulk"}}]}""",
                """{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","bulkId":"b","path":"/Users","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bulk§"}}]}""",
                """{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"§":1,"Operations":[]}""",
            ],
            (_, var p) when p.EndsWith(".search", StringComparison.Ordinal) =>
            [
                """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq \"§\""}""",
                """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"§":"x"}""",
            ],
            _ =>
            [
                """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new§"}""",
                """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new","§":"x"}""",
            ],
        };

        foreach (var template in templates)
        {
            var parts = template.Split('§');
            yield return [.. Encoding.UTF8.GetBytes(parts[0]), .. bad, .. Encoding.UTF8.GetBytes(parts[1])];
        }
    }

    private static async Task<string> SnapshotAsync(ScimTestHost host, System.Text.Json.Nodes.JsonObject user, System.Text.Json.Nodes.JsonObject group) =>
        await (await host.Client.GetAsync($"Users/{user["id"]}")).Content.ReadAsStringAsync() +
        await (await host.Client.GetAsync($"Groups/{group["id"]}")).Content.ReadAsStringAsync() +
        await (await host.Client.GetAsync("Users?count=100")).Content.ReadAsStringAsync();
}
