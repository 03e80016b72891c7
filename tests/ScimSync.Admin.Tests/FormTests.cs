// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using AngleSharp.Html.Dom;
using ScimSync.Admin.Tests.Infrastructure;
using ScimSync.Policies;
using ScimSync.Server;
using static ScimSync.Admin.Tests.Infrastructure.ConsoleClient;

namespace ScimSync.Admin.Tests;

/// <summary>The console's forms, posted as a browser would, and their effect on the next SCIM request.</summary>
public sealed class FormTests
{
    private const string EnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    private static async Task<GeneratedToken> ConnectionWithTokenAsync(ConsoleTestHost host, string name)
    {
        await host.Settings.CreateConnectionAsync(name, IdentityProvider.EntraId, null);
        return await host.Settings.IssueTokenAsync(name, "setup", null);
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task CreateConnection_Valid_RedirectsToItsPage()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();

        var response = await client.SubmitAsync("connections", "connections", ("name", "okta-prod"), ("identityProvider", "Okta"), ("directory", "people"));

        Assert.Equal(HttpStatusCode.Redirect, response.Status);
        Assert.Equal("/scim-admin/connections/okta-prod?created=1", response.Location!.OriginalString);
        var created = host.Settings.FindConnection("okta-prod")!;
        Assert.Equal(IdentityProvider.Okta, created.IdentityProvider);
        Assert.Equal("people", created.Directory);

        var page = await client.GetAsync(response.Location.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("http://localhost/scim/okta-prod/v2", ((IHtmlInputElement)page.Document.GetElementById("base-url")!).Value);
        Assert.Contains("Connection created", page.MainText, StringComparison.Ordinal);
        Assert.Contains("okta-prod", (await client.GetAsync("connections")).Document.QuerySelector("table tbody")!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("../x")]
    [InlineData("")]
    public async Task CreateConnection_InvalidName_Is422WithTheProblemAtTheField(string name)
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();

        var response = await client.SubmitAsync("connections", "connections", ("name", name), ("identityProvider", "Generic"));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Contains("letters, digits", response.TextOf("f-name-error"), StringComparison.Ordinal);
        var input = (IHtmlInputElement)response.Document.GetElementById("f-name")!;
        Assert.Equal("true", input.GetAttribute("aria-invalid"));
        Assert.Contains("f-name-error", input.GetAttribute("aria-describedby"), StringComparison.Ordinal);
        Assert.Equal(name.Trim(), input.Value);
        Assert.Single(host.Settings.GetConnections());
    }

    [Fact]
    public async Task CreateConnection_UnknownIdentityProvider_Is422()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        var response = await client.SubmitAsync("connections", "connections", ("name", "x"), ("identityProvider", "Nope"));
        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Contains("Nope", response.TextOf("f-identityProvider-error"), StringComparison.Ordinal);
        Assert.Null(host.Settings.FindConnection("x"));
    }

    [Fact]
    public async Task IssueToken_ShowsItOnce_NeverAgain_AndItWorks()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);
        using var client = host.Console();

        var issued = await client.SubmitAsync("connections/made", "connections/made/tokens", ("tokenName", "rotation"));

        Assert.Equal(HttpStatusCode.OK, issued.Status);
        var token = ((IHtmlInputElement)issued.Document.QuerySelector("input#new-token")!).Value;
        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(1, Count(issued.Html, token));
        Assert.True(issued.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.OK, await host.GetUsersStatusAsync("made", token));

        var later = await client.GetAsync("connections/made");
        Assert.Equal(HttpStatusCode.OK, later.Status);
        Assert.DoesNotContain(token, later.Html, StringComparison.Ordinal);
        Assert.Null(later.Document.QuerySelector("input#new-token"));
        Assert.Contains("rotation", later.Document.QuerySelector("table tbody")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueToken_DuplicateLabel_Is422AndIssuesNothing()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await ConnectionWithTokenAsync(host, "made");
        using var client = host.Console();

        var response = await client.SubmitAsync("connections/made", "connections/made/tokens", ("tokenName", "setup"));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Contains("already has a token", response.TextOf("f-tokenName-error"), StringComparison.Ordinal);
        Assert.Null(response.Document.QuerySelector("input#new-token"));
        Assert.Single(host.Settings.FindConnection("made")!.Tokens);
    }

    [Fact]
    public async Task IssueToken_ScriptLabel_IsShownEncoded()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);
        using var client = host.Console();
        const string Label = "<script>alert(1)</script>";

        var issued = await client.SubmitAsync("connections/made", "connections/made/tokens", ("tokenName", Label));
        Assert.Equal(HttpStatusCode.OK, issued.Status);
        Assert.DoesNotContain("<script>alert", issued.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Label, issued.Document.QuerySelector(".alert.token")!.TextContent, StringComparison.Ordinal);

        var page = await client.GetAsync("connections/made");
        Assert.DoesNotContain("<script>alert", page.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Label, page.Document.QuerySelector("table tbody")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.Document.QuerySelectorAll("main script"));
    }

    [Theory]
    [InlineData("2026-11")]
    [InlineData("Entra prod")]
    [InlineData("2026/11")]
    [InlineData("..")]
    [InlineData("<script>alert(1)</script>")]
    public async Task RevokeForm_RevokesTheToken(string label)
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);
        var token = await host.Settings.IssueTokenAsync("made", label, null);
        var keep = await host.Settings.IssueTokenAsync("made", "keep", null);
        using var client = host.Console();
        var page = await client.GetAsync("connections/made");

        var response = await client.SubmitAsync(page.FormLabelled($"Revoke {label}"));

        Assert.True(response.Status == HttpStatusCode.Redirect, $"{(int)response.Status}: {response.Document.QuerySelector(".alert.error")?.TextContent}");
        Assert.Equal("/scim-admin/connections/made?revoked=1", response.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, await host.GetUsersStatusAsync("made", token.Token));
        Assert.Equal(HttpStatusCode.OK, await host.GetUsersStatusAsync("made", keep.Token));
        Assert.Equal(["keep"], host.Settings.FindConnection("made")!.Tokens.Select(t => t.Name));
    }

    [Fact]
    public async Task DeleteForm_NeedsConfirmation_ThenDeletes()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        var token = await ConnectionWithTokenAsync(host, "made");
        using var client = host.Console();

        var unconfirmed = await client.SubmitAsync("connections/made", "connections/made/delete");
        Assert.Equal((HttpStatusCode)422, unconfirmed.Status);
        Assert.NotNull(host.Settings.FindConnection("made"));

        var confirmed = await client.SubmitAsync("connections/made", "connections/made/delete", ("confirm", "true"));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.Status);
        Assert.Null(host.Settings.FindConnection("made"));
        Assert.Equal(HttpStatusCode.Unauthorized, await host.GetUsersStatusAsync("made", token.Token));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("connections/made")).Status);
    }

    [Fact]
    public async Task ConfiguredConnection_HasNoDeleteOrRevokeForm()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        var page = await client.GetAsync("connections/" + ConsoleTestHost.ConfiguredConnection);
        Assert.DoesNotContain(page.Document.QuerySelectorAll("form"), f => f.GetAttribute("action")!.EndsWith("/delete", StringComparison.Ordinal) || f.GetAttribute("action")!.EndsWith("/revoke", StringComparison.Ordinal));
        Assert.Contains("revoke in configuration", page.MainText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MappingForm_RoundTrip_AppliesToTheNextUser()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        var token = await ConnectionWithTokenAsync(host, "made");
        using var client = host.Console();

        var saved = await client.SubmitAsync(
            "connections/made/mapping",
            "connections/made/mapping",
            ("userName.paths", "emails[type eq \"work\"].value"),
            ("userName.transforms", "Lowercase"),
            ("custom[0].name", "department"),
            ("custom[0].paths", EnterpriseSchema + ":department"));
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        Assert.Equal("/scim-admin/connections/made/mapping?saved=1", saved.Location!.OriginalString);

        var page = await client.GetAsync(saved.Location.OriginalString);
        Assert.Equal("emails[type eq \"work\"].value", ((IHtmlInputElement)page.Document.GetElementById("f-userName-paths")!).Value);
        Assert.Equal("Lowercase", ((IHtmlTextAreaElement)page.Document.GetElementById("f-userName-transforms")!).Value);
        Assert.Equal("department", ((IHtmlInputElement)page.Document.GetElementById("f-custom-0--name")!).Value);

        using var scim = host.Scim("made", token.Token);
        using var response = await scim.PostAsync("Users", ConsoleTestHost.Json($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{EnterpriseSchema}}"],
            "userName":"ignored",
            "emails":[{"type":"home","value":"home@example.com"},{"type":"work","value":"Alice.Smith@Example.COM"}],
            "{{EnterpriseSchema}}":{"department":"Engineering"} }
            """));
        var body = await response.Content.ReadAsStringAsync();
        var status = response.StatusCode;
        var user = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        Assert.True(status == HttpStatusCode.Created, body);
        // The mapped target attributes are recorded in the provisioning extension; the SCIM userName stays as sent.
        Assert.True("alice.smith@example.com" == (string?)user[ProvisionedUser.Schema]?["userName"], body);
        Assert.Equal("ignored", (string?)user["userName"]);
        Assert.True("Engineering" == (string?)user[AttributeMappingOptions.DefaultCustomSchema]?["department"], body);
    }

    [Fact]
    public async Task MappingForm_InvalidTransform_Is422AtTheField_AndNothingIsSaved()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await ConnectionWithTokenAsync(host, "made");
        using var client = host.Console();

        var response = await client.SubmitAsync(
            "connections/made/mapping",
            "connections/made/mapping",
            ("userName.paths", "userName"),
            ("userName.transforms", "Lowercase\nShout"));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Contains("'Shout' is not a transform", response.TextOf("f-userName-transforms-error"), StringComparison.Ordinal);
        Assert.Equal("Lowercase\nShout", ((IHtmlTextAreaElement)response.Document.GetElementById("f-userName-transforms")!).Value);
        Assert.Null(host.Settings.FindConnection("made")!.Policies);
    }

    [Fact]
    public async Task LifecycleForm_ImportOff_RefusesCreates()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        var token = await ConnectionWithTokenAsync(host, "made");
        Assert.Equal(HttpStatusCode.Created, (await host.CreateUserAsync("made", token.Token, "before@example.com")).Status);
        using var client = host.Console();

        var page = await client.GetAsync("connections/made/lifecycle");
        Assert.True(((IHtmlInputElement)page.Document.GetElementById("f-allowCreate")!).IsChecked);
        var saved = await client.SubmitAsync(page, "connections/made/lifecycle", Set(("allowCreate", null)));
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);

        Assert.Equal(HttpStatusCode.Forbidden, (await host.CreateUserAsync("made", token.Token, "after@example.com")).Status);
        var again = await client.GetAsync("connections/made/lifecycle");
        Assert.False(((IHtmlInputElement)again.Document.GetElementById("f-allowCreate")!).IsChecked);
        Assert.True(((IHtmlInputElement)again.Document.GetElementById("f-allowUpdate")!).IsChecked);
    }

    [Fact]
    public async Task GroupsForm_ManualTable_RoundTrips()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await ConnectionWithTokenAsync(host, "made");
        using var client = host.Console();

        var saved = await client.SubmitAsync(
            "connections/made/groups",
            "connections/made/groups",
            ("mode", "Manual"),
            ("defaultGroupsForNewUsers", "staff\neveryone"),
            ("manual[0].match", "DisplayName"),
            ("manual[0].source", "Engineering"),
            ("manual[0].targets", "jira-eng, confluence-eng"),
            ("manual[1].match", "ExternalId"),
            ("manual[1].source", "ops-ext"),
            ("manual[1].targets", "ops"));
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);

        var groups = host.Settings.FindConnection("made")!.Policies!.GroupMapping;
        Assert.Equal(GroupMappingMode.Manual, groups.Mode);
        Assert.Equal(["staff", "everyone"], groups.DefaultGroupsForNewUsers);
        Assert.Equal(2, groups.Manual.Count);
        Assert.Equal(["jira-eng", "confluence-eng"], groups.Manual[0].Targets);
        Assert.Equal(GroupMatchKind.ExternalId, groups.Manual[1].Match);

        var page = await client.GetAsync("connections/made/groups");
        string Value(string id) => ((IHtmlInputElement)page.Document.GetElementById(id)!).Value;
        Assert.Equal("Engineering", Value("f-manual-0--source"));
        Assert.Equal("jira-eng, confluence-eng", Value("f-manual-0--targets"));
        Assert.Equal("ops-ext", Value("f-manual-1--source"));
        Assert.Equal("ops", Value("f-manual-1--targets"));
        Assert.Equal("ExternalId", ((IHtmlSelectElement)page.Document.GetElementById("f-manual-1--match")!).Value);
        Assert.Equal("Manual", ((IHtmlSelectElement)page.Document.GetElementById("f-mode")!).Value);

        // Saving the page again unchanged keeps the rows (blank rows are dropped).
        var resaved = await client.SubmitAsync(page, "connections/made/groups");
        Assert.Equal(HttpStatusCode.Redirect, resaved.Status);
        Assert.Equal(2, host.Settings.FindConnection("made")!.Policies!.GroupMapping.Manual.Count);
    }

    [Fact]
    public async Task GroupsForm_BadIncludeRegex_Is422AtInclude()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await ConnectionWithTokenAsync(host, "made");
        using var client = host.Console();

        var response = await client.SubmitAsync("connections/made/groups", "connections/made/groups", ("mode", "OnTheFly"), ("include", "(["));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.StartsWith("Line 1: '([' is not a valid regular expression", response.TextOf("f-include-error"), StringComparison.Ordinal);
        Assert.Null(host.Settings.FindConnection("made")!.Policies);
    }

    [Fact]
    public async Task PolicyForm_StaleVersion_Is422WithConflict()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await ConnectionWithTokenAsync(host, "made");
        using var client = host.Console();
        var stale = await client.GetAsync("connections/made/groups");

        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync("connections/made/groups", "connections/made/groups", ("defaultGroupsForNewUsers", "first"))).Status);
        var response = await client.SubmitAsync(stale, "connections/made/groups", Set(("defaultGroupsForNewUsers", "second")));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Contains("changed since they were read", response.MainText, StringComparison.Ordinal);
        Assert.Equal(["first"], host.Settings.FindConnection("made")!.Policies!.GroupMapping.DefaultGroupsForNewUsers);
    }

    [Fact]
    public async Task ResetForm_DropsTheConsolePolicies()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        var token = await ConnectionWithTokenAsync(host, "made");
        using var client = host.Console();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync("connections/made/groups", "connections/made/groups", ("defaultGroupsForNewUsers", "staff"))).Status);

        var reset = await client.SubmitAsync("connections/made/groups", "connections/made/policies/reset");

        Assert.Equal(HttpStatusCode.Redirect, reset.Status);
        Assert.Null(host.Settings.FindConnection("made")!.Policies);
        var (_, user) = await host.CreateUserAsync("made", token.Token, "alice@example.com");
        Assert.Empty(SettingsApiTests.GroupsOf(user, MembershipRules.DefaultForNewUsers));
    }
}
