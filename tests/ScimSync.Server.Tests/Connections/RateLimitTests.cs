// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;

namespace ScimSync.Server.Tests.Connections;

/// <summary>Per-connection rate limits: 429 with Retry-After before anything is read or written.</summary>
public sealed class RateLimitTests
{
    private const string OtherToken = "other-token-0123456789abcdef";

    // About one token per 1000 s: the burst is all a test gets, whatever the machine's speed.
    private static Task<ScimTestHost> StartAsync() => ScimTestHost.StartAsync(scim: s => s
        .AddConnection("test", c => c.Options.RateLimit = new ScimRateLimitOptions { RequestsPerSecond = 0.001, Burst = 2 })
        .AddConnection("other", c => c.UseBearerToken(OtherToken).UseDirectory("test")));

    private static HttpClient Client(ScimTestHost host, string connection, string token)
    {
        var client = host.CreateClient();
        client.BaseAddress = new Uri($"http://localhost/scim/{connection}/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task RequestsOverTheBurst_Get429WithRetryAfter_AndWriteNothing()
    {
        await using var host = await StartAsync();
        using var other = Client(host, "other", OtherToken);

        var first = await host.Client.GetAsync("Users");
        var second = await host.Client.GetAsync("Users");
        var limited = await host.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"limited"}""");
        var otherConnection = await other.GetAsync("Users");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], [first.StatusCode, second.StatusCode]);
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        var error = await ScimTestHost.BodyAsync(limited);
        Assert.Equal("429", error["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, otherConnection.StatusCode);
        Assert.Equal(0, (await ScimTestHost.BodyAsync(otherConnection))["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task RejectedCredentials_DoNotSpendTheConnectionsBudget()
    {
        await using var host = await StartAsync();
        using var attacker = Client(host, "test", "wrong-token-0123456789abcdef");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.GetAsync("Users")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("Users")).StatusCode);
    }

    [Fact]
    public async Task InvalidLimit_FailsTheStart()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ScimTestHost.StartAsync(scim: s => s
            .AddConnection("test", c => c.Options.RateLimit = new ScimRateLimitOptions { RequestsPerSecond = 0, Burst = 0 })));

        Assert.Contains("RateLimit", error.Message, StringComparison.Ordinal);
    }
}
