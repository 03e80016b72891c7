// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using ScimSync.Atlassian.Confluence;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.Confluence;

/// <summary>How <see cref="ConfluenceClient"/> reports a refused token and an unavailable Confluence (refusals: <see cref="ConfluenceClientTests"/>).</summary>
public sealed class ConfluenceClientErrorTests
{
    private static HttpClient Http(AtlassianEmulator emulator, string token)
    {
        var http = new HttpClient { BaseAddress = emulator.Confluence.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    [Fact]
    public async Task BadToken_ThrowsUnauthorized()
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        emulator.Confluence.PersonalAccessTokens.Add("t");
        using var http = Http(emulator, "wrong");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => new ConfluenceClient(http).FindUserAsync("admin", default));

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
        emulator.Confluence.PersonalAccessTokens.Add("t");
        using var http = Http(emulator, "t");
        emulator.Confluence.Faults.FailNext(1, status);

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => new ConfluenceClient(http).EnsureGroupAsync("devs", default));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Equal(status, e.StatusCode);
        Assert.Null(e.RetryAfter);
        Assert.DoesNotContain("devs", emulator.Confluence.GroupNames);
    }

    [Fact]
    public async Task InjectedFaultWithRetryAfter_ReportsRetryAfter()
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        emulator.Confluence.PersonalAccessTokens.Add("t");
        using var http = Http(emulator, "t");
        emulator.Confluence.Faults.FailNext(1, HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(7));

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => new ConfluenceClient(http).ListGroupMembersAsync("confluence-users", default));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), e.RetryAfter);
    }

    [Fact]
    public async Task Down_ThrowsUnavailableWithoutStatus()
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        emulator.Confluence.PersonalAccessTokens.Add("t");
        using var http = Http(emulator, "t");
        emulator.Confluence.Faults.Down = true;

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => new ConfluenceClient(http).FindUserAsync("admin", default));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Null(e.StatusCode);
    }

    [Fact]
    public async Task FaultOnOneRequest_LeavesTheNextOneAlone()
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        emulator.Confluence.PersonalAccessTokens.Add("t");
        using var http = Http(emulator, "t");
        var client = new ConfluenceClient(http);
        emulator.Confluence.Faults.FailNext(1, HttpStatusCode.InternalServerError);

        await Assert.ThrowsAsync<AtlassianProductException>(() => client.FindUserAsync("admin", default));
        var admin = await client.FindUserAsync("admin", default);

        Assert.Equal("admin", admin!.Name);
    }

    [Fact]
    public async Task RateLimited_ThrowsUnavailableWithRetryAfter_ThenRecoversWhenTheBucketRefills()
    {
        var time = new FakeTimeProvider();
        await using var emulator = await AtlassianEmulator.StartAsync(time: time);
        emulator.Confluence.PersonalAccessTokens.Add("t");
        emulator.Confluence.RateLimit = new EmulatorRateLimit { MaxRequests = 1, RequestsAllowed = 1, Interval = TimeSpan.FromSeconds(2) };
        using var http = Http(emulator, "t");
        var client = new ConfluenceClient(http);

        await client.ListGroupMembersAsync("confluence-users", default);
        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => client.ListGroupMembersAsync("confluence-users", default));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), e.RetryAfter);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Contains("admin", await client.ListGroupMembersAsync("confluence-users", default));
    }
}
