// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace ScimSync.Server.Tests.Faults;

/// <summary>
/// Each write request is sent with its 1st, 2nd, ... store call failing, until it gets through without reaching the
/// fault. A fault before anything was written must leave every resource as it was; the client gets 503 with
/// <c>Retry-After</c> for an unavailable store, 409 <c>uniqueness</c> for a constraint violation, and a neutral 500
/// for anything else; and the same request sent again succeeds.
/// </summary>
public sealed class StoreFaultTests
{
    private const string PatchOp = "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]";

    public static TheoryData<string, StoreFault> Cases
    {
        get
        {
            var data = new TheoryData<string, StoreFault>();
            foreach (var request in s_requests.Keys)
            {
                foreach (var fault in (StoreFault[])[StoreFault.UnavailableBefore, StoreFault.Conflict, StoreFault.Unexpected, StoreFault.UnavailableAfter])
                {
                    data.Add(request, fault);
                }
            }

            return data;
        }
    }

    private static readonly Dictionary<string, Func<HttpClient, Target, Task<HttpResponseMessage>>> s_requests = new()
    {
        ["POST Users"] = (c, t) => c.PostAsync("Users", ScimTestHost.Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new.{{t.Tag}}"}""")),
        ["PUT Users"] = (c, t) => c.PutAsync($"Users/{t.User}", ScimTestHost.Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"user.{{t.Tag}}","title":"Replaced"}""")),
        ["PATCH Users"] = (c, t) => c.PatchAsync($"Users/{t.User}", ScimTestHost.Json($$"""{{{PatchOp}},"Operations":[{"op":"replace","path":"displayName","value":"Patched"}]}""")),
        ["PATCH Groups members"] = (c, t) => c.PatchAsync($"Groups/{t.Group}", ScimTestHost.Json($$"""{{{PatchOp}},"Operations":[{"op":"add","path":"members","value":[{"value":"{{t.Other}}"}]},{"op":"remove","path":"members[value eq \"{{t.User}}\"]"}]}""")),
        ["PATCH Groups rename"] = (c, t) => c.PatchAsync($"Groups/{t.Group}", ScimTestHost.Json($$"""{{{PatchOp}},"Operations":[{"op":"replace","path":"displayName","value":"renamed.{{t.Tag}}"},{"op":"add","path":"members","value":[{"value":"{{t.Other}}"}]}]}""")),
        ["PUT Groups"] = (c, t) => c.PutAsync($"Groups/{t.Group}", ScimTestHost.Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"put.{{t.Tag}}","members":[{"value":"{{t.Other}}"}]}""")),
        ["DELETE Users"] = (c, t) => c.DeleteAsync($"Users/{t.User}"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Write_StoreFailsOnNthCall_AnswersWithoutHalfApplyingAndTheRetrySucceeds(string name, StoreFault fault)
    {
        FaultingStoreProvider store = null!;
        await using var host = await ScimTestHost.StartAsync(services: FaultingStoreProvider.Register(p => store = p));
        var send = s_requests[name];
        var reached = 0;

        for (var n = 1; n <= 30; n++)
        {
            var target = await CreateTargetAsync(host, n);
            var before = await SnapshotAsync(host, target);
            store.Arm(n, fault);
            var response = await send(host.Client, target);
            store.Disarm();
            var body = await response.Content.ReadAsStringAsync();
            if (!store.Fired)
            {
                // The request made fewer than n store calls: every call has had its fault.
                Assert.True(response.IsSuccessStatusCode, $"{name} without a fault: {(int)response.StatusCode} {body}");
                Assert.True(reached > 0);
                return;
            }

            reached++;
            var context = $"{name}, {fault} on store call {n}: {(int)response.StatusCode} {body}";
            var conflictOnWrite = fault == StoreFault.Conflict && response.StatusCode == HttpStatusCode.Conflict;
            switch (fault)
            {
                case StoreFault.UnavailableBefore or StoreFault.UnavailableAfter:
                case StoreFault.Conflict when !conflictOnWrite:
                    Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, context);
                    Assert.Equal("2", response.Headers.RetryAfter?.ToString());
                    Assert.DoesNotContain("Injected", body, StringComparison.Ordinal);
                    break;
                case StoreFault.Conflict:
                    Assert.Equal("uniqueness", JsonNode.Parse(body)!["scimType"]?.GetValue<string>());
                    break;
                default:
                    Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, context);
                    Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
                    Assert.DoesNotContain("Injected", body, StringComparison.Ordinal);
                    break;
            }

            if (store.Commits == 0)
            {
                Assert.True(before == await SnapshotAsync(host, target), "changed: " + context);
            }

            // The identity provider sends the request again; it must go through (a create whose answer was lost
            // finds its own resource: 409 uniqueness, which is how Entra ID and Okta learn it exists).
            var retry = await send(host.Client, target);
            var retried = (int)retry.StatusCode;
            Assert.True(
                retry.IsSuccessStatusCode || (store.Commits > 0 && ((name == "POST Users" && retried == 409) || (name == "DELETE Users" && retried == 404))),
                $"retry after {context}: {retried} {await retry.Content.ReadAsStringAsync()}");
        }

        Assert.Fail($"{name} still reached the fault after 30 store calls");
    }

    private static async Task<Target> CreateTargetAsync(ScimTestHost host, int n)
    {
        var tag = $"t{n:00}";
        var user = (await host.CreateUserAsync($"user.{tag}"))["id"]!.GetValue<string>();
        var other = (await host.CreateUserAsync($"other.{tag}"))["id"]!.GetValue<string>();
        var group = (await host.CreateGroupAsync($"group.{tag}", user))["id"]!.GetValue<string>();
        return new Target(tag, user, other, group);
    }

    private static async Task<string> SnapshotAsync(ScimTestHost host, Target target) =>
        await (await host.Client.GetAsync($"Users/{target.User}")).Content.ReadAsStringAsync() + "\n" +
        await (await host.Client.GetAsync($"Users/{target.Other}")).Content.ReadAsStringAsync() + "\n" +
        await (await host.Client.GetAsync($"Groups/{target.Group}")).Content.ReadAsStringAsync() + "\n" +
        await (await host.Client.GetAsync($"Users?filter={Uri.EscapeDataString($"userName ew \"{target.Tag}\"")}")).Content.ReadAsStringAsync();

    public sealed record Target(string Tag, string User, string Other, string Group);
}
