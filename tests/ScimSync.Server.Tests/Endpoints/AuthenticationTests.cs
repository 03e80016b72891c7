// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-0123456789abcdef")]
    [InlineData("Bearer test-token-0123456789abcdeX")]
    [InlineData("Basic dGVzdDp0ZXN0")]
    [InlineData("Bearer ")]
    public async Task AnyEndpoint_MissingOrWrongToken_Returns401WithBearerChallenge(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "Users");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var client = Unauthenticated();
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("401", body["status"]!.GetValue<string>());
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", body["schemas"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_WrongTokenAndMalformedBody_Returns401BeforeReadingBody()
    {
        using var client = Unauthenticated();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "nope-nope-nope-nope-nope");

        var response = await client.PostAsync("Users", ScimTestHost.Json("{broken"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AnyEndpoint_SecondConfiguredToken_IsAccepted()
    {
        using var client = Unauthenticated();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ScimTestHost.SecondToken);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Users")).StatusCode);
    }

    [Fact]
    public async Task AnyEndpoint_LowercaseScheme_IsAccepted()
    {
        using var client = Unauthenticated();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "bearer " + ScimTestHost.Token);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("ServiceProviderConfig")).StatusCode);
    }

    private HttpClient Unauthenticated() => _host.CreateClient();
}
