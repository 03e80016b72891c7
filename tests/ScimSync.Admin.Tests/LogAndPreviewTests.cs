// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using AngleSharp.Dom;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Admin.Tests.Infrastructure;
using ScimSync.Policies;
using ScimSync.Provisioning;
using ScimSync.Server;
using static ScimSync.Admin.Tests.Infrastructure.ConsoleClient;

namespace ScimSync.Admin.Tests;

/// <summary>The provisioning log page (filters, paging) and the preview page.</summary>
public sealed class LogAndPreviewTests
{
    private const string Configured = ConsoleTestHost.ConfiguredConnection;
    private const string Token = ConsoleTestHost.ConfiguredToken;

    /// <summary>Waits (bounded) until the log holds <paramref name="count"/> entries: it is written in the background.</summary>
    private static async Task WaitForLogAsync(ConsoleTestHost host, int count)
    {
        var log = host.Services.GetRequiredService<IProvisioningLog>();
        for (var i = 0; i < 400; i++)
        {
            var page = await log.QueryAsync(new ProvisioningLogQuery { PageSize = 1000 });
            if (page.Entries.Count >= count)
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"The provisioning log did not reach {count} entries.");
    }

    private static List<IElement> Rows(ConsoleResponse page) => [.. page.Document.QuerySelectorAll("table.log tbody tr")];

    private static string Cell(IElement row, int column) => row.QuerySelectorAll("td")[column].TextContent.Trim();

    [Fact]
    public async Task Log_FilterByConnectionAndOutcome()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);
        var made = await host.Settings.IssueTokenAsync("made", "first", null);
        Assert.Equal(HttpStatusCode.Created, (await host.CreateUserAsync(Configured, Token, "c1@example.com")).Status);
        Assert.Equal(HttpStatusCode.Created, (await host.CreateUserAsync(Configured, Token, "c2@example.com")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await host.CreateUserAsync(Configured, Token, "c1@example.com")).Status);
        Assert.Equal(HttpStatusCode.Created, (await host.CreateUserAsync("made", made.Token, "m1@example.com")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await host.CreateUserAsync("made", made.Token, "m1@example.com")).Status);
        await WaitForLogAsync(host, 5);
        using var client = host.Console();

        var all = Rows(await client.GetAsync("log"));
        Assert.Equal(5, all.Count);

        var onlyMade = await client.GetAsync("log?connection=made");
        Assert.Equal(HttpStatusCode.OK, onlyMade.Status);
        Assert.Equal(2, Rows(onlyMade).Count);
        Assert.All(Rows(onlyMade), r => Assert.Equal("made", Cell(r, 1)));
        Assert.Equal("made", ((AngleSharp.Html.Dom.IHtmlSelectElement)onlyMade.Document.GetElementById("f-connection")!).Value);

        var failed = await client.GetAsync("log?outcome=Failed");
        Assert.Equal(2, Rows(failed).Count);
        Assert.All(Rows(failed), r => Assert.True(int.Parse(Cell(r, 5).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >= 400, Cell(r, 5)));

        var failedOnConfigured = await client.GetAsync($"log?connection={Configured}&outcome=Failed");
        var row = Assert.Single(Rows(failedOnConfigured));
        Assert.Equal(Configured, Cell(row, 1));
        Assert.StartsWith("409", Cell(row, 5), StringComparison.Ordinal);

        var succeeded = await client.GetAsync("log?outcome=Succeeded");
        Assert.Equal(3, Rows(succeeded).Count);
    }

    [Fact]
    public async Task Log_Paging_OlderEntriesWithoutOverlap()
    {
        await using var host = await ConsoleTestHost.StartAsync(console: o => o.LogPageSize = 2);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (status, user) = await host.CreateUserAsync(Configured, Token, $"u{i}@example.com");
            Assert.Equal(HttpStatusCode.Created, status);
            ids.Add((string)user!["id"]!);
        }

        await WaitForLogAsync(host, 5);
        using var client = host.Console();

        var seen = new List<string>();
        var page = await client.GetAsync("log");
        var pages = 0;
        while (true)
        {
            Assert.Equal(HttpStatusCode.OK, page.Status);
            var rows = Rows(page);
            Assert.InRange(rows.Count, 1, 2);
            seen.AddRange(rows.Select(r => Cell(r, 4)));
            pages++;
            var next = page.Document.QuerySelector("a[rel=next]");
            if (next is null)
            {
                break;
            }

            Assert.Equal("Older entries", next.TextContent);
            Assert.True(pages < 5, "Too many pages.");
            page = await client.GetAsync(next.GetAttribute("href")!);
            Assert.NotNull(page.Document.QuerySelector("main a[href='/scim-admin/log?connection=&outcome=Any&user=&resource=']"));
        }

        Assert.Equal(3, pages);
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Enumerable.Reverse(ids), seen);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("%00%FF")]
    [InlineData("eyJ0IjoiMjAyNi0wMS0wMSJ9")]
    public async Task Log_GarbageContinuation_IsAFriendlyMessage(string after)
    {
        await using var host = await ConsoleTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await host.CreateUserAsync(Configured, Token, "a@example.com")).Status);
        await WaitForLogAsync(host, 1);
        using var client = host.Console();

        var page = await client.GetAsync("log?after=" + after);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("no longer exists", page.Document.QuerySelector(".alert.error")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(Rows(page));
    }

    [Fact]
    public async Task Log_NeverShowsValues()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await host.CreateUserAsync(Configured, Token, "secret.person@example.com", ",\"displayName\":\"Very Secret\"")).Status);
        await WaitForLogAsync(host, 1);
        using var client = host.Console();
        var page = await client.GetAsync("log");
        Assert.Single(Rows(page));
        Assert.DoesNotContain("Very Secret", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, page.Html, StringComparison.Ordinal);
    }

    private static async Task<ConsoleTestHost> PreviewHostAsync()
    {
        var host = await ConsoleTestHost.StartAsync();
        await host.Settings.CreateConnectionAsync("mapped", IdentityProvider.EntraId, null);
        var policies = new ProvisioningPolicyOptions();
        var userName = new AttributeSource();
        userName.Paths.Add("emails[type eq \"work\"].value");
        userName.Transforms.Add(new AttributeTransform { Kind = AttributeTransformKind.Lowercase });
        policies.AttributeMapping.UserName = userName;
        policies.GroupMapping.DefaultGroupsForNewUsers.Add("staff");
        await host.Settings.SetPoliciesAsync("mapped", policies, host.Settings.FindConnection("mapped")!.Version);
        return host;
    }

    private const string Payload = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"jdoe",
         "emails":[{"type":"work","value":"Jane.Doe@Example.COM"}],"active":true}
        """;

    [Fact]
    public async Task Preview_ShowsTheMappedUser_AndWritesNothing()
    {
        await using var host = await PreviewHostAsync();
        using var client = host.Console();

        var result = await client.SubmitAsync("preview?connection=mapped", "preview", ("connection", "mapped"), ("resourceType", "User"), ("payload", Payload));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var facts = result.Document.QuerySelector("section.result dl.facts")!;
        var terms = facts.QuerySelectorAll("dt").Select(d => d.TextContent).ToList();
        var values = facts.QuerySelectorAll("dd").Select(d => d.TextContent).ToList();
        Assert.Equal("jane.doe@example.com", values[terms.IndexOf("Username")]);
        Assert.Contains("staff", result.Document.QuerySelector("section.result")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(Payload.Trim(), ((AngleSharp.Html.Dom.IHtmlTextAreaElement)result.Document.GetElementById("f-payload")!).Value.Trim());

        var token = await host.Settings.IssueTokenAsync("mapped", "t", null);
        using var scim = host.Scim("mapped", token.Token);
        Assert.Contains("\"totalResults\":0", await scim.GetStringAsync("Users"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public async Task Preview_InvalidJson_Is422AtThePayload(string payload)
    {
        await using var host = await PreviewHostAsync();
        using var client = host.Console();

        var result = await client.SubmitAsync("preview", "preview", ("connection", "mapped"), ("payload", payload));

        Assert.Equal((HttpStatusCode)422, result.Status);
        Assert.NotEmpty(result.TextOf("f-payload-error"));
        Assert.Null(result.Document.QuerySelector("section.result"));
    }

    [Fact]
    public async Task Preview_UnknownConnection_Is422AtTheConnection()
    {
        await using var host = await PreviewHostAsync();
        using var client = host.Console();
        var result = await client.SubmitAsync("preview", "preview", ("connection", "nowhere"), ("payload", Payload));
        Assert.Equal((HttpStatusCode)422, result.Status);
        Assert.NotEmpty(result.TextOf("f-connection-error"));
    }

    [Fact]
    public async Task Preview_ConnectionWithoutPolicies_ShowsTheScimError()
    {
        await using var host = await PreviewHostAsync();
        using var client = host.Console();

        var result = await client.SubmitAsync("preview", "preview", ("connection", Configured), ("resourceType", "User"), ("payload", Payload));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var error = result.Document.QuerySelector("section.result .alert.error");
        Assert.True(error is not null, result.Html);
        Assert.Contains("The identity provider would get", error.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_Group_ShowsItsTargets()
    {
        await using var host = await PreviewHostAsync();
        using var client = host.Console();
        var result = await client.SubmitAsync("preview", "preview", ("connection", "mapped"), ("resourceType", "Group"), ("payload", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering"}"""));
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.NotNull(result.Document.QuerySelector("section.result"));
    }
}
