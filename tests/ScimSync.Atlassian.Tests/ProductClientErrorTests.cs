// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests;

/// <summary>
/// How a product client reports a refused token and an unavailable product (its refusals are in its own tests), run
/// for each product whose errors follow the same rules.
/// </summary>
public abstract class ProductClientErrorTests
{
    /// <summary>Gets a group every emulated instance of the product has.</summary>
    protected abstract string DefaultGroup { get; }

    /// <summary>Gets the emulated product.</summary>
    protected abstract EmulatedProduct Product(AtlassianEmulator emulator);

    /// <summary>Gets the emulated product's group names.</summary>
    protected abstract IReadOnlyList<string> GroupNames(AtlassianEmulator emulator);

    /// <summary>Creates the product's client.</summary>
    protected abstract AtlassianProductClient CreateClient(HttpClient http);

    private HttpClient Http(AtlassianEmulator emulator, string token)
    {
        var http = new HttpClient { BaseAddress = Product(emulator).BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    [Fact]
    public async Task BadToken_ThrowsUnauthorized()
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        Product(emulator).PersonalAccessTokens.Add("t");
        using var http = Http(emulator, "wrong");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => CreateClient(http).FindUserAsync("admin", default));

        Assert.Equal(AtlassianErrorKind.Unauthorized, e.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task InjectedFault_ThrowsUnavailable(HttpStatusCode status)
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        Product(emulator).PersonalAccessTokens.Add("t");
        using var http = Http(emulator, "t");
        Product(emulator).Faults.FailNext(1, status);

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => CreateClient(http).EnsureGroupAsync("devs", default));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Equal(status, e.StatusCode);
        Assert.Null(e.RetryAfter);
        Assert.DoesNotContain("devs", GroupNames(emulator));
    }

    [Fact]
    public async Task InjectedFaultWithRetryAfter_ReportsRetryAfter()
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        Product(emulator).PersonalAccessTokens.Add("t");
        using var http = Http(emulator, "t");
        Product(emulator).Faults.FailNext(1, HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(7));

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => CreateClient(http).ListGroupMembersAsync(DefaultGroup, default));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), e.RetryAfter);
    }

    [Fact]
    public async Task Down_ThrowsUnavailableWithoutStatus()
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        Product(emulator).PersonalAccessTokens.Add("t");
        using var http = Http(emulator, "t");
        Product(emulator).Faults.Down = true;

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => CreateClient(http).FindUserAsync("admin", default));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Null(e.StatusCode);
    }

    [Fact]
    public async Task FaultOnOneRequest_LeavesTheNextOneAlone()
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        Product(emulator).PersonalAccessTokens.Add("t");
        using var http = Http(emulator, "t");
        var client = CreateClient(http);
        Product(emulator).Faults.FailNext(1, HttpStatusCode.InternalServerError);

        await Assert.ThrowsAsync<AtlassianProductException>(() => client.FindUserAsync("admin", default));
        var admin = await client.FindUserAsync("admin", default);

        Assert.Equal("admin", admin!.Name);
    }

    [Fact]
    public async Task RateLimited_ThrowsUnavailableWithRetryAfter_ThenRecoversWhenTheBucketRefills()
    {
        var time = new FakeTimeProvider();
        await using var emulator = await AtlassianEmulator.StartAsync(time: time);
        Product(emulator).PersonalAccessTokens.Add("t");
        Product(emulator).RateLimit = new EmulatorRateLimit { MaxRequests = 1, RequestsAllowed = 1, Interval = TimeSpan.FromSeconds(2) };
        using var http = Http(emulator, "t");
        var client = CreateClient(http);

        await client.ListGroupMembersAsync(DefaultGroup, default);
        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => client.ListGroupMembersAsync(DefaultGroup, default));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), e.RetryAfter);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Contains("admin", await client.ListGroupMembersAsync(DefaultGroup, default));
    }
}
