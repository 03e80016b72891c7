// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class DeleteResourceEndpointTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task DeleteUser_Existing_Returns204ThenGetReturns404()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();

        var response = await _host.Client.DeleteAsync($"Users/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync($"Users/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.DeleteAsync($"Users/{id}")).StatusCode);
    }

    [Fact]
    public async Task DeleteUser_IfMatchStale_Returns412()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"Users/{id}");
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"2\", W/\"3\"");

        var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync($"Users/{id}")).StatusCode);
    }

    [Fact]
    public async Task DeleteUser_Member_LeavesGroup()
    {
        var userId = (await _host.CreateUserAsync("m"))["id"]!.GetValue<string>();
        var groupId = (await _host.CreateGroupAsync("G", userId))["id"]!.GetValue<string>();

        await _host.Client.DeleteAsync($"Users/{userId}");

        var group = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Groups/{groupId}"));
        Assert.Null(group["members"]);
    }
}
