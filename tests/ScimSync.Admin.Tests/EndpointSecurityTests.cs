// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using ScimSync.Admin.Tests.Infrastructure;
using static ScimSync.Admin.Tests.Infrastructure.ConsoleClient;

namespace ScimSync.Admin.Tests;

/// <summary>Who may use the console, the headers every page carries, the assets, and anti-forgery on every form post.</summary>
public sealed class EndpointSecurityTests
{
    public static TheoryData<string> Pages =>
    [
        "connections",
        "connections/" + ConsoleTestHost.ConfiguredConnection,
        "connections/" + ConsoleTestHost.ConfiguredConnection + "/mapping",
        "connections/" + ConsoleTestHost.ConfiguredConnection + "/groups",
        "connections/" + ConsoleTestHost.ConfiguredConnection + "/lifecycle",
        "sync",
        "atlassian",
        "log",
        "preview",
    ];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EveryPage_Operator_OkWithPrivateHeaders(string path)
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        var page = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("text/html", page.ContentHeaders!.ContentType!.MediaType);
        Assert.True(page.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        Assert.Equal("DENY", Assert.Single(page.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("frame-ancestors 'none'", Assert.Single(page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Contains("Signed in as alice", page.Html, StringComparison.Ordinal);
        Assert.NotNull(page.Document.QuerySelector("main h1"));
    }

    [Theory]
    [InlineData("connections")]
    [InlineData("log")]
    [InlineData("assets/console.css")]
    public async Task Get_Anonymous_401_WithoutRole_403(string path)
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var anonymous = host.Console(user: null, role: null);
        using var visitor = host.Console(role: "reader");
        using var noRole = host.Console(role: null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await visitor.GetAsync(path)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await noRole.GetAsync(path)).Status);
    }

    [Fact]
    public async Task Post_WithoutOperator_IsRefusedBeforeAnythingChanges()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var operatorClient = host.Console();
        var page = await operatorClient.GetAsync("connections");
        var fields = FormFields(page.Form("connections"));
        fields.RemoveAll(f => f.Key == "name");
        fields.Add(new("name", "sneaky"));

        using var anonymous = host.Console(user: null, role: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostRawAsync("connections", fields)).Status);
        using var visitor = host.Console(user: "alice", role: "reader");
        Assert.Equal(HttpStatusCode.Forbidden, (await visitor.PostRawAsync("connections", fields)).Status);

        Assert.Null(host.Settings.FindConnection("sneaky"));
    }

    [Fact]
    public async Task Root_RedirectsToConnections()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        var root = await client.GetAsync("/scim-admin/");
        Assert.Equal(HttpStatusCode.Redirect, root.Status);
        Assert.Equal("/scim-admin/connections", root.Location!.OriginalString);
    }

    [Theory]
    [InlineData("console.css", "text/css", ".field")]
    [InlineData("console.js", "text/javascript", "data-copy")]
    public async Task Assets_AreServedWithTheirTypes(string file, string mediaType, string sample)
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        var asset = await client.GetAsync("assets/" + file);
        Assert.Equal(HttpStatusCode.OK, asset.Status);
        Assert.Equal(mediaType, asset.ContentHeaders!.ContentType!.MediaType);
        Assert.Contains(sample, asset.Html, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(asset.Headers.GetValues("X-Content-Type-Options")));
    }

    [Theory]
    [InlineData("assets/missing.css")]
    [InlineData("assets/missing.js")]
    [InlineData("assets/console.txt")]
    [InlineData("assets/..%2FScimSync.Admin.dll")]
    [InlineData("connections/nowhere")]
    [InlineData("connections/nowhere/mapping")]
    public async Task Unknown_Is404(string path)
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).Status);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_Is400AndChangesNothing()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        await client.GetAsync("connections"); // has the anti-forgery cookie, but posts no field

        var response = await client.PostRawAsync("connections", [new("name", "forged"), new("identityProvider", "Generic")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("nothing was changed", response.MainText, StringComparison.Ordinal);
        Assert.Null(host.Settings.FindConnection("forged"));
    }

    [Fact]
    public async Task Post_WithAnotherUsersToken_Is400AndChangesNothing()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var bob = host.Console(user: "bob");
        var bobsPage = await bob.GetAsync("connections");
        var bobsFields = FormFields(bobsPage.Form("connections"));
        bobsFields.RemoveAll(f => f.Key == "name");
        bobsFields.Add(new("name", "forged"));

        // Alice with her own cookie and Bob's form token.
        using var alice = host.Console(user: "alice");
        await alice.GetAsync("connections");
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.PostRawAsync("connections", bobsFields)).Status);

        // Alice with Bob's cookie and Bob's form token: the token is bound to Bob.
        using var aliceWithBobsCookie = host.Console(user: "alice");
        foreach (Cookie cookie in bob.Cookies.GetAllCookies())
        {
            aliceWithBobsCookie.Cookies.Add(cookie);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await aliceWithBobsCookie.PostRawAsync("connections", bobsFields)).Status);
        Assert.Null(host.Settings.FindConnection("forged"));

        // Bob himself may.
        Assert.Equal(HttpStatusCode.Redirect, (await bob.PostRawAsync("connections", bobsFields)).Status);
        Assert.NotNull(host.Settings.FindConnection("forged"));
    }

    [Fact]
    public async Task Post_NotAForm_Is415()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        using var response = await client.Http.PostAsync("/scim-admin/connections", new StringContent("{\"name\":\"json\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Null(host.Settings.FindConnection("json"));
    }
}
