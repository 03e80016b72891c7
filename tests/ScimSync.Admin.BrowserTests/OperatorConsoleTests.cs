// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScimSync.Admin.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ScimSync.Admin.BrowserTests;

/// <summary>
/// The operator console (ScimSync.Admin at <c>/scim-admin</c> in the sample host) as an operator uses it: sign in,
/// create a connection, issue and copy a token, provision with it, read the provisioning log, set a default group that
/// the next provisioned user joins, and see an invalid pattern refused. Pages are found by role and label only (the
/// console's markup contract), never by CSS classes.
/// </summary>
public sealed class OperatorConsoleTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string DefaultGroup = "e2e-staff";
    private const string InvalidPatternMessage = "not a valid regular expression";

    [BrowserFact]
    public Task Console_CreateConnectionIssueTokenProvisionAndMapGroups_AppliedToNextProvision() => fixture.RunAsync(output, async run =>
    {
        var page = run.Page;
        var name = "e2e-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        const string TokenLabel = "e2e-idp";
        run.Log($"connection: {name}");

        // Sign-in: the console sends an anonymous visitor to the sample host's login page.
        await page.GotoAsync("/scim-admin");
        var adminKey = page.GetByLabel("Admin key", new() { Exact = true });
        await Expect(adminKey).ToBeVisibleAsync();
        await Expect(adminKey).ToHaveAttributeAsync("type", "password");
        Assert.NotEqual("/scim-admin", new Uri(page.Url).AbsolutePath.TrimEnd('/'));
        await run.ScreenshotAsync("sign-in");
        await adminKey.FillAsync(run.Host.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(run.Host.Origin) + @"/scim-admin(/[^?#]*)?([?#].*)?$"));

        // Console navigation.
        var nav = page.GetByRole(AriaRole.Navigation)
            .Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "Provisioning log", Exact = true }) })
            .First;
        foreach (var link in new[] { "Connections", "Directory sync", "Atlassian", "Provisioning log", "Preview" })
        {
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToBeVisibleAsync();
        }

        await run.ScreenshotAsync("signed-in");

        // Connections: create one.
        await nav.GetByRole(AriaRole.Link, new() { Name = "Connections", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(PageUrl(run, "/scim-admin/connections"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connections", Exact = true, Level = 1 })).ToBeVisibleAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        var identityProvider = page.GetByLabel("Identity provider", new() { Exact = true });
        var providers = (await identityProvider.GetByRole(AriaRole.Option).AllTextContentsAsync()).Select(o => o.Trim()).ToList();
        Assert.Contains("Generic", providers);
        Assert.Contains("EntraId", providers);
        Assert.Contains("Okta", providers);
        await identityProvider.SelectOptionAsync("Generic");
        await Expect(page.GetByLabel("Directory (optional)", new() { Exact = true })).ToBeVisibleAsync();
        await run.ScreenshotAsync("create-connection");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create connection", Exact = true }).ClickAsync();

        var connectionPath = $"/scim-admin/connections/{name}";
        await Expect(page).ToHaveURLAsync(PageUrl(run, connectionPath));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 1 })).ToBeVisibleAsync();

        // Connection page: the base URL to paste into the identity provider, copied by a button.
        var baseUrlField = page.GetByLabel("SCIM base URL", new() { Exact = true });
        await Expect(baseUrlField).ToHaveValueAsync(new Regex(Regex.Escape($"/scim/{name}/v2") + "$"));
        await Expect(baseUrlField).Not.ToBeEditableAsync();
        var shownBaseUrl = await baseUrlField.InputValueAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy base URL", Exact = true }).ClickAsync();
        await run.ExpectClipboardAsync(shownBaseUrl);
        var baseUrl = new Uri(new Uri(page.Url), shownBaseUrl).ToString().TrimEnd('/');
        await run.ScreenshotAsync("connection");

        // Issue a token: shown once, in a status region, with a copy button.
        await page.GetByLabel("Token label", new() { Exact = true }).FillAsync(TokenLabel);
        await Expect(page.GetByLabel("Expires on (optional)", new() { Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue token", Exact = true }).ClickAsync();
        var issued = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "shown only once" });
        await Expect(issued).ToBeVisibleAsync();
        var newToken = issued.GetByLabel("New token", new() { Exact = true });
        await Expect(newToken).ToHaveValueAsync(new Regex("^scim_"));
        await Expect(newToken).Not.ToBeEditableAsync();
        var shownToken = await newToken.InputValueAsync();
        await issued.GetByRole(AriaRole.Button, new() { Name = "Copy token", Exact = true }).ClickAsync();
        await run.ExpectClipboardAsync(shownToken);
        var token = await run.ReadClipboardAsync();

        var tokens = page.GetByRole(AriaRole.Table)
            .Filter(new() { Has = page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {TokenLabel}", Exact = true }) });
        await Expect(tokens).ToBeVisibleAsync();
        await Expect(tokens).ToContainTextAsync(TokenLabel);
        await Expect(tokens).Not.ToContainTextAsync(token);
        foreach (var link in new[] { "Attribute mapping", "Group mapping", "Lifecycle" })
        {
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToBeVisibleAsync();
        }

        await run.ScreenshotAsync("token-issued");

        // Provision with the copied token, as the identity provider would.
        using var scim = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        scim.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var firstUserId = await CreateUserAsync(scim, baseUrl, "e2e.user1@example.com");

        // Provisioning log: the create is there, also when filtered by the new connection and by the user's id.
        await nav.GetByRole(AriaRole.Link, new() { Name = "Provisioning log", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(PageUrl(run, "/scim-admin/log"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Provisioning log", Exact = true })).ToBeVisibleAsync();
        var outcome = page.GetByLabel("Outcome", new() { Exact = true });
        var outcomes = (await outcome.GetByRole(AriaRole.Option).AllTextContentsAsync()).Select(o => o.Trim()).ToList();
        Assert.Equal(["Any", "Succeeded", "Failed"], outcomes);
        await Expect(page.GetByLabel("Resource id", new() { Exact = true })).ToBeVisibleAsync();
        var createRow = LogRows(page, name, "create", "User", 201);
        await page.GetByLabel("Connection", new() { Exact = true }).SelectOptionAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter", Exact = true }).ClickAsync();
        await Expect(createRow).ToHaveCountAsync(1);
        await run.ScreenshotAsync("provisioning-log");

        await page.GetByLabel("Resource id", new() { Exact = true }).FillAsync(firstUserId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter", Exact = true }).ClickAsync();
        await Expect(createRow).ToHaveCountAsync(1);
        await run.ScreenshotAsync("provisioning-log-by-resource");

        // By the user's name, as the operator knows them: the console finds the id.
        await page.GetByLabel("Resource id", new() { Exact = true }).FillAsync("");
        await page.GetByLabel("User name", new() { Exact = true }).FillAsync("e2e.user1@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter", Exact = true }).ClickAsync();
        await Expect(createRow).ToHaveCountAsync(1);
        await page.GetByLabel("User name", new() { Exact = true }).FillAsync("nobody@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "No user named" })).ToBeVisibleAsync();
        await Expect(createRow).ToHaveCountAsync(0);
        await run.ScreenshotAsync("provisioning-log-by-user");

        // Group mapping: a default group for new users.
        await page.GotoAsync(connectionPath);
        await page.GetByRole(AriaRole.Link, new() { Name = "Group mapping", Exact = true }).ClickAsync();
        var groupMappingPath = $"{connectionPath}/groups";
        await Expect(page).ToHaveURLAsync(PageUrl(run, groupMappingPath));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Group mapping: {name}", Exact = true })).ToBeVisibleAsync();
        var defaultGroups = page.GetByLabel("Default groups for new users (one per line)", new() { Exact = true });
        await defaultGroups.FillAsync(DefaultGroup);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save group mapping", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved" })).ToBeVisibleAsync();
        await run.ScreenshotAsync("group-mapping-saved");

        // The next provision follows it; the user provisioned before is left alone. Target memberships are what the
        // connection's group mapping decided for each user, recorded (with the rule) on the user's provisioning
        // extension, where targets such as Atlassian products read them.
        var secondUserId = await CreateUserAsync(scim, baseUrl, "e2e.user2@example.com");
        var second = await TargetGroupsAsync(scim, baseUrl, secondUserId);
        Assert.Contains(second, g => g.Group == DefaultGroup && g.Rule == "defaultForNewUsers" && g.Connection == name);
        Assert.DoesNotContain(await TargetGroupsAsync(scim, baseUrl, firstUserId), g => g.Group == DefaultGroup);

        // Validation: an invalid pattern is refused next to its field, and nothing is saved.
        await page.GetByLabel("Mode", new() { Exact = true }).SelectOptionAsync("OnTheFly");
        var include = page.GetByLabel("Include (regular expressions, one per line)", new() { Exact = true });
        await include.FillAsync("([");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save group mapping", Exact = true }).ClickAsync();
        await Expect(page.GetByText(InvalidPatternMessage).First).ToBeVisibleAsync();
        Assert.Equal("ok", await include.EvaluateAsync<string>(ErrorBelongsToFieldScript, InvalidPatternMessage));
        await run.ScreenshotAsync("group-mapping-invalid");

        await page.GotoAsync(groupMappingPath);
        await Expect(include).ToHaveValueAsync(string.Empty);
        await Expect(defaultGroups).ToHaveValueAsync(new Regex(@"^\s*" + Regex.Escape(DefaultGroup) + @"\s*$"));
        await Expect(page.GetByLabel("Mode", new() { Exact = true })).Not.ToHaveValueAsync("OnTheFly");
        await run.ScreenshotAsync("group-mapping-unchanged");
    });

    // The field's error: named by its aria-describedby, or inside its own field container (the nearest ancestor with
    // the message holds no other form control).
    private const string ErrorBelongsToFieldScript = """
        (field, message) => {
          const ids = (field.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
          if (ids.some(id => (document.getElementById(id)?.textContent || '').includes(message))) {
            return 'ok';
          }
          for (let container = field.parentElement; container && container !== document.body; container = container.parentElement) {
            if (container.textContent.includes(message)) {
              const controls = container.querySelectorAll('input:not([type=hidden]), select, textarea');
              return controls.length === 1 ? 'ok' : `the nearest element with the message holds ${controls.length} form controls`;
            }
          }
          return 'no element associated with the field holds the message';
        }
        """;

    /// <summary>The URL of <paramref name="path"/> on the host, with or without a trailing slash, query or fragment.</summary>
    private static Regex PageUrl(BrowserTestRun run, string path) =>
        new("^" + Regex.Escape(run.Host.Origin + path) + "/?([?#].*)?$");

    /// <summary>Rows of the log's results table for one operation of one connection.</summary>
    private static ILocator LogRows(IPage page, string connection, string operation, string resourceType, int status) =>
        page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Row)
            .Filter(new() { Has = Cell(page, new Regex("^" + Regex.Escape(connection) + "$")) })
            .Filter(new() { Has = Cell(page, new Regex("^" + Regex.Escape(operation) + "$", RegexOptions.IgnoreCase)) })
            .Filter(new() { Has = Cell(page, new Regex("^" + Regex.Escape(resourceType) + "$")) })
            .Filter(new() { Has = Cell(page, new Regex("^" + status.ToString(System.Globalization.CultureInfo.InvariantCulture) + @"\b")) });

    private static ILocator Cell(IPage page, Regex name) =>
        page.GetByRole(AriaRole.Cell, new() { NameRegex = name })
            .Or(page.GetByRole(AriaRole.Rowheader, new() { NameRegex = name }));

    private static async Task<string> CreateUserAsync(HttpClient scim, string baseUrl, string userName)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(UserSchema),
            ["userName"] = userName,
            ["active"] = true,
        };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/scim+json");
        using var response = await scim.PostAsync(new Uri($"{baseUrl}/Users"), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {baseUrl}/Users answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["id"]!.GetValue<string>();
    }

    private const string ProvisioningSchema = "urn:scimsync:params:scim:schemas:extension:provisioning:2.0:User";

    private static async Task<List<(string Group, string? Connection, string? Rule)>> TargetGroupsAsync(HttpClient scim, string baseUrl, string userId)
    {
        using var response = await scim.GetAsync(new Uri($"{baseUrl}/Users/{userId}"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET Users/{userId} answered {(int)response.StatusCode}: {text}");
        var groups = JsonNode.Parse(text)![ProvisioningSchema]?["groups"]?.AsArray() ?? [];
        return [.. groups.Select(g => (g!["value"]!.GetValue<string>(), g["connection"]?.GetValue<string>(), g["rule"]?.GetValue<string>()))];
    }
}
