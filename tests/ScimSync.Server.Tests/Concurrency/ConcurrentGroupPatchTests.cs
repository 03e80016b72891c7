// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ScimSync.Server.Tests.Concurrency;

/// <summary>
/// Two identity-provider clients PATCH the same group at once over the test host, against the SQLite store and the
/// in-memory one: no membership change may be lost, and a write based on a stale ETag must be refused (412) without
/// changing anything (RFC 7644 §3.14).
/// </summary>
public sealed class ConcurrentGroupPatchTests(ITestOutputHelper output)
{
    // Each client toggles its own members Rounds times; 2 clients x 30 members x 25 rounds = 1,500 PATCH requests per store.
    private const int MembersPerClient = 30;
    private const int Rounds = 25;

    public static TheoryData<string> Stores => new() { "sqlite", "memory" };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task PatchGroup_TwoClientsAddingAndRemovingDifferentMembers_LosesNoUpdate(string store)
    {
        await using var host = await StartAsync(store);
        var adderIds = await CreateUsersAsync(host, "adder", MembersPerClient);
        var removerIds = await CreateUsersAsync(host, "remover", MembersPerClient);
        var bystanderIds = await CreateUsersAsync(host, "bystander", 5);
        var groupId = (await host.CreateGroupAsync("Contended", [.. removerIds, .. bystanderIds]))["id"]!.GetValue<string>();

        using var adder = Authorized(host);
        using var remover = Authorized(host);

        // The adder ends each member on "added", the remover on "removed"; each round flips a member both ways, so any
        // lost write shows in the final set. Every fourth request also renames the group, which takes the full
        // read-modify-write path instead of the membership fast path.
        var results = await Task.WhenAll(
            Task.Run(() => ToggleAsync(adder, groupId, adderIds, endAdded: true)),
            Task.Run(() => ToggleAsync(remover, groupId, removerIds, endAdded: false)));

        Assert.All(results, r => Assert.Equal(MembersPerClient * Rounds, r.Sent));
        output.WriteLine($"{store}: {results.Sum(r => r.Sent)} PATCH requests, {results.Sum(r => r.Refused)} resent after a 412 (server retries spent)");
        var members = await MembersAsync(host.Client, groupId);
        Assert.Equal([.. adderIds.Concat(bystanderIds).Order(StringComparer.Ordinal)], members);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task PatchGroup_StaleIfMatch_Returns412AndChangesNothing(string store)
    {
        await using var host = await StartAsync(store);
        var ids = await CreateUsersAsync(host, "member", 3);
        var groupId = (await host.CreateGroupAsync("Guarded", ids[0]))["id"]!.GetValue<string>();
        using var first = Authorized(host);
        using var second = Authorized(host);
        var etag = (await host.Client.GetAsync($"Groups/{groupId}")).Headers.ETag!.ToString();

        var winner = await PatchAsync(first, groupId, AddMember(ids[1]), etag);
        var loser = await PatchAsync(second, groupId, AddMember(ids[2]), etag);

        Assert.True(winner.IsSuccessStatusCode, winner.StatusCode.ToString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, loser.StatusCode);
        var error = await ScimTestHost.BodyAsync(loser);
        Assert.Equal("412", error["status"]!.ToString());
        var members = await MembersAsync(host.Client, groupId);
        Assert.Equal([.. new[] { ids[0], ids[1] }.Order(StringComparer.Ordinal)], members);

        // The same refusal on the full read-modify-write path (a rename with the member change).
        var renamed = await PatchAsync(second, groupId, RenameAndAdd("Renamed", ids[2]), etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, renamed.StatusCode);
        var group = await ScimTestHost.BodyAsync(await host.Client.GetAsync($"Groups/{groupId}"));
        Assert.Equal("Guarded", group["displayName"]!.GetValue<string>());
        Assert.Equal(2, group["members"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task PatchGroup_RacingWritesWithTheSameIfMatch_ExactlyOneWins(string store)
    {
        await using var host = await StartAsync(store);
        var ids = await CreateUsersAsync(host, "racer", 2 * 20);
        var groupId = (await host.CreateGroupAsync("Raced"))["id"]!.GetValue<string>();
        using var first = Authorized(host);
        using var second = Authorized(host);
        var expected = new List<string>();

        for (var i = 0; i < 20; i++)
        {
            var etag = (await host.Client.GetAsync($"Groups/{groupId}")).Headers.ETag!.ToString();
            var (a, b) = (ids[2 * i], ids[(2 * i) + 1]);
            var responses = await Task.WhenAll(
                Task.Run(() => PatchAsync(first, groupId, AddMember(a), etag)),
                Task.Run(() => PatchAsync(second, groupId, i % 2 == 0 ? AddMember(b) : RenameAndAdd("Raced " + i, b), etag)));

            Assert.Single(responses, r => r.IsSuccessStatusCode);
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.PreconditionFailed);
            expected.Add(responses[0].IsSuccessStatusCode ? a : b);
            var members = await MembersAsync(host.Client, groupId);
            Assert.Equal([.. expected.Order(StringComparer.Ordinal)], members);
        }
    }

    private static Task<ScimTestHost> StartAsync(string store) => store == "memory"
        ? ScimTestHost.StartAsync(o => o.MaxMembersPerRequest = 10_000, scim: b => b.AddInMemoryStore())
        : ScimTestHost.StartAsync();

    private static HttpClient Authorized(ScimTestHost host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ScimTestHost.Token);
        return client;
    }

    private static async Task<string[]> CreateUsersAsync(ScimTestHost host, string prefix, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = (await host.CreateUserAsync($"{prefix}{i:000}"))["id"]!.GetValue<string>();
        }

        return ids;
    }

    private static async Task<(int Sent, int Refused)> ToggleAsync(HttpClient client, string groupId, string[] ids, bool endAdded)
    {
        var (sent, refused) = (0, 0);
        for (var round = 0; round < Rounds; round++)
        {
            // Rounds is odd, so the last round leaves each member as endAdded says.
            var add = endAdded == (round % 2 == 0);
            foreach (var id in ids)
            {
                var body = add
                    ? (sent % 4 == 0 ? RenameAndAdd("Contended " + sent, id) : AddMember(id))
                    : RemoveMember(id);
                var response = await PatchAsync(client, groupId, body, ifMatch: null);

                // A read-modify-write PATCH that keeps losing the race is refused with 412 once the server's
                // PatchConflictRetries are spent, with nothing written; the client sends it again, as an IdP would.
                for (var retry = 0; response.StatusCode == HttpStatusCode.PreconditionFailed && retry < 100; retry++)
                {
                    refused++;
                    response = await PatchAsync(client, groupId, body, ifMatch: null);
                }

                Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                sent++;
            }
        }

        return (sent, refused);
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string groupId, string body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"Groups/{groupId}") { Content = ScimTestHost.Json(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    private static async Task<string[]> MembersAsync(HttpClient client, string groupId)
    {
        var group = await ScimTestHost.BodyAsync(await client.GetAsync($"Groups/{groupId}"));
        return group["members"] is JsonArray members
            ? [.. members.Select(m => m!["value"]!.GetValue<string>()).Order(StringComparer.Ordinal)]
            : [];
    }

    private static string AddMember(string id) =>
        $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{id}}"}]}]}""";

    private static string RemoveMember(string id) =>
        $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"{{id}}\"]"}]}""";

    private static string RenameAndAdd(string name, string id) =>
        $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"{{name}}"},{"op":"add","path":"members","value":[{"value":"{{id}}"}]}]}""";
}
