// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using ScimSync.Atlassian.Jira;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.Jira;

public sealed class JiraClientErrorTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AnyCall_BadToken_ThrowsUnauthorized()
    {
        await using var host = await JiraHost.StartAsync();
        using var http = new HttpClient { BaseAddress = host.Jira.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        var client = new JiraClient(http);

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => client.FindUserAsync("admin", None));

        Assert.Equal(AtlassianErrorKind.Unauthorized, e.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal(["Client must be authenticated to access this resource."], e.Messages);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task AnyCall_InjectedFailure_ThrowsUnavailable(HttpStatusCode status)
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.Faults.FailNext(1, status);

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => host.Client.EnsureGroupAsync("devs", None));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Equal(status, e.StatusCode);
        Assert.Null(e.RetryAfter);
        Assert.DoesNotContain("devs", host.Jira.GroupNames);
    }

    [Fact]
    public async Task AnyCall_InjectedFailureWithRetryAfter_CarriesRetryAfter()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.Faults.FailNext(1, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => host.Client.ListGroupMembersAsync(Emulator.JiraEmulator.DefaultUsersGroup, None));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Equal(TimeSpan.FromSeconds(30), e.RetryAfter);
        Assert.Equal(["Injected fault."], e.Messages);

        // The fault was for one request only.
        Assert.Contains("admin", await host.Client.ListGroupMembersAsync(Emulator.JiraEmulator.DefaultUsersGroup, None));
    }

    [Fact]
    public async Task AnyCall_ProductDown_ThrowsUnavailableWithoutStatus()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.Faults.Down = true;

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => host.Client.FindUserAsync("admin", None));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Null(e.StatusCode);
    }

    [Fact]
    public async Task AnyCall_RateLimited_ThrowsUnavailableWithRetryAfter()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var emulator = await Emulator.AtlassianEmulator.StartAsync(time: time);
        emulator.Jira.PersonalAccessTokens.Add("t");
        emulator.Jira.RateLimit = new Emulator.EmulatorRateLimit { MaxRequests = 1, RequestsAllowed = 1, Interval = TimeSpan.FromMinutes(1) };
        using var http = new HttpClient { BaseAddress = emulator.Jira.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t");
        var client = new JiraClient(http);

        Assert.NotNull(await client.FindUserAsync("admin", None));
        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => client.FindUserAsync("admin", None));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(1), e.RetryAfter);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(await client.FindUserAsync("admin", None));
    }

    [Fact]
    public async Task SetActive_TheCallingAdministrator_ThrowsRefused()
    {
        await using var host = await JiraHost.StartAsync();

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => host.Client.SetActiveAsync("admin", false, None));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.True(host.Jira.FindUser("admin")!.Active);
    }

    [Fact]
    public async Task ListGroupMembers_FailureOnSecondPage_ThrowsUnavailable()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.MaxResultsLimit = 1;
        host.Jira.AddUser("second");
        host.Jira.AddToGroup(Emulator.JiraEmulator.DefaultUsersGroup, "second");
        var first = await host.Client.ListGroupMembersAsync(Emulator.JiraEmulator.DefaultUsersGroup, None);
        Assert.Equal(["admin", "second"], first);

        // The first page answers, the second fails: no partial list comes back.
        var client = new JiraClient(new HttpClient(new FailAfterHandler(1, host.Jira.Faults), disposeHandler: true)
        {
            BaseAddress = host.Jira.BaseAddress,
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", JiraHost.Token) },
        });

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => client.ListGroupMembersAsync(Emulator.JiraEmulator.DefaultUsersGroup, None));

        Assert.Equal(AtlassianErrorKind.Unavailable, e.Kind);
    }

    /// <summary>Lets <c>passing</c> requests through, then arms a 500 fault for the next one.</summary>
    private sealed class FailAfterHandler(int passing, Emulator.EmulatorFaults faults) : DelegatingHandler(new HttpClientHandler())
    {
        private int _sent;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _sent) > passing)
            {
                faults.FailNext(1, HttpStatusCode.InternalServerError);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
