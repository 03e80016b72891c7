// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using AngleSharp.Html.Dom;
using ScimSync.Admin.Tests.Infrastructure;
using ScimSync.Server;

namespace ScimSync.Admin.Tests;

/// <summary>Further field validation and encoding of the console's forms and links.</summary>
public sealed class MoreFormTests
{
    [Fact]
    public async Task IssueToken_WithExpiry_IsShown_AndABadDateIs422()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);
        using var client = host.Console();

        var bad = await client.SubmitAsync("connections/made", "connections/made/tokens", ("tokenName", "dated"), ("expiresAt", "31/12/2099"));
        Assert.Equal((HttpStatusCode)422, bad.Status);
        Assert.Contains("YYYY-MM-DD", bad.TextOf("f-expiresAt-error"), StringComparison.Ordinal);
        Assert.Empty(host.Settings.FindConnection("made")!.Tokens);

        var past = await client.SubmitAsync("connections/made", "connections/made/tokens", ("tokenName", "dated"), ("expiresAt", "2001-01-01"));
        Assert.Equal((HttpStatusCode)422, past.Status);
        Assert.Contains("future", past.TextOf("f-expiresAt-error"), StringComparison.Ordinal);

        var good = await client.SubmitAsync("connections/made", "connections/made/tokens", ("tokenName", "dated"), ("expiresAt", "2099-12-31"));
        Assert.Equal(HttpStatusCode.OK, good.Status);
        Assert.Equal(new DateTimeOffset(2099, 12, 31, 0, 0, 0, TimeSpan.Zero), Assert.Single(host.Settings.FindConnection("made")!.Tokens).ExpiresAt);
        Assert.Contains("2099-12-31 00:00 UTC", (await client.GetAsync("connections/made")).Document.QuerySelector("table tbody")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupsForm_RowWithoutTargets_Is422AtTheTable()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);
        using var client = host.Console();

        var response = await client.SubmitAsync("connections/made/groups", "connections/made/groups", ("mode", "Manual"), ("manual[0].source", "Engineering"), ("manual[0].targets", " , "));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Contains("needs at least one target group", response.TextOf("f-manual-error"), StringComparison.Ordinal);
        Assert.Equal("Engineering", ((IHtmlInputElement)response.Document.GetElementById("f-manual-0--source")!).Value);
        Assert.Null(host.Settings.FindConnection("made")!.Policies);
    }

    [Theory]
    [InlineData("brake.maxDeactivatedPercent", "150")]
    [InlineData("brake.minimumDeactivations", "-1")]
    [InlineData("brake.windowMinutes", "abc")]
    [InlineData("onDelete", "Explode")]
    public async Task LifecycleForm_BadValue_Is422AtTheField(string field, string value)
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);
        using var client = host.Console();

        var response = await client.SubmitAsync("connections/made/lifecycle", "connections/made/lifecycle", (field, value));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.NotEmpty(response.TextOf(Controls(field) + "-error"));
        Assert.Null(host.Settings.FindConnection("made")!.Policies);
    }

    [Fact]
    public async Task Preview_HostilePayload_IsShownEncoded()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        const string Payload = "</textarea><script>alert(1)</script>";

        var response = await client.SubmitAsync("preview", "preview", ("connection", ConsoleTestHost.ConfiguredConnection), ("payload", Payload));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.DoesNotContain("<script>alert", response.Html, StringComparison.Ordinal);
        Assert.Equal(Payload, ((IHtmlTextAreaElement)response.Document.GetElementById("f-payload")!).Value);
    }

    [Theory]
    [InlineData("a+b")]
    [InlineData("a&outcome=Failed")]
    [InlineData("50%")]
    public async Task Log_NewestEntriesLink_KeepsTheResourceFilter(string resource)
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        var page = await client.GetAsync("log?resource=" + Uri.EscapeDataString(resource) + "&after=garbage");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(resource, ((IHtmlInputElement)page.Document.GetElementById("f-resource")!).Value);

        var newest = page.Document.QuerySelectorAll("main a").Single(a => a.TextContent == "Newest entries");
        var next = await client.GetAsync(newest.GetAttribute("href")!);

        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.Equal(resource, ((IHtmlInputElement)next.Document.GetElementById("f-resource")!).Value);
        Assert.Equal("Any", ((IHtmlSelectElement)next.Document.GetElementById("f-outcome")!).Value);
    }

    [Fact]
    public async Task ConnectionNames_AreCaseInsensitive()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.CreateConnectionAsync(ConsoleTestHost.ConfiguredConnection.ToUpperInvariant(), IdentityProvider.Generic, null));
        await host.Settings.CreateConnectionAsync("Made", IdentityProvider.Generic, null);
        Assert.Equal("Made", host.Settings.FindConnection("made")!.Name);
        using var client = host.Console();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("connections/MADE")).Status);
    }

    private static string Controls(string field) => "f-" + field.Replace('.', '-');
}
