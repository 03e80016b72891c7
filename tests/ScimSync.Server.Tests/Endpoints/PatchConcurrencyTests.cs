// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ScimSync.Stores;

namespace ScimSync.Server.Tests.Endpoints;

/// <summary>PATCH against a resource that another request changes between the read and the write.</summary>
public sealed class PatchConcurrencyTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;
    private RacingUserStore _store = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync(services: services =>
    {
        // The SQLite package also registers an IScimStoreProvider, which the server prefers; without it the server
        // adapts the host's IUserStore, the one this test wraps.
        services.RemoveAll<IScimStoreProvider>();
        var original = services.Last(d => d.ServiceType == typeof(IUserStore));
        services.Remove(original);
        services.AddSingleton<IUserStore>(sp => _store = new RacingUserStore((IUserStore)original.ImplementationFactory!(sp)));
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PatchUser_ConcurrentChangeWithoutIfMatch_RetriesAndKeepsBothChanges()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();
        _store.RaceOnce = true;

        var response = await PatchAsync(id, ifMatch: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("Concurrent", body["nickName"]!.GetValue<string>());
        Assert.Equal("Patched", body["title"]!.GetValue<string>());
        Assert.Equal("W/\"3\"", response.Headers.ETag!.ToString());
        Assert.Equal(2, _store.Replaces);
    }

    [Fact]
    public async Task PatchUser_ConcurrentChangeWithIfMatch_Returns412WithoutRetry()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();
        _store.RaceOnce = true;

        var response = await PatchAsync(id, ifMatch: "W/\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(1, _store.Replaces);
        var current = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Users/{id}"));
        Assert.Null(current["title"]);
    }

    private async Task<HttpResponseMessage> PatchAsync(string id, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"Users/{id}")
        {
            Content = ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"title","value":"Patched"}]}"""),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await _host.Client.SendAsync(request);
    }

    /// <summary>Lets another writer change the user just before the first replace goes through.</summary>
    private sealed class RacingUserStore(IUserStore inner) : IUserStore
    {
        public bool RaceOnce { get; set; }

        public int Replaces { get; private set; }

        public ResourceStoreCapabilities Capabilities => inner.Capabilities;

        public ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken) =>
            inner.GetAsync(id, includeMembers, cancellationToken);

        public ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken) =>
            inner.ListAsync(query, cancellationToken);

        public ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken) =>
            inner.CreateAsync(resource, cancellationToken);

        public async ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken)
        {
            Replaces++;
            if (RaceOnce)
            {
                RaceOnce = false;
                var current = (await inner.GetAsync(id, true, cancellationToken)).Value!;
                current.Resource["nickName"] = "Concurrent";
                await inner.ReplaceAsync(id, current.Resource, null, cancellationToken);
            }

            return await inner.ReplaceAsync(id, resource, expectedVersion, cancellationToken);
        }

        public ValueTask<StoreResult<string>> DeleteAsync(string id, string? expectedVersion, CancellationToken cancellationToken) =>
            inner.DeleteAsync(id, expectedVersion, cancellationToken);
    }
}
