// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using ScimSync.Admin.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ScimSync.Admin.BrowserTests;

/// <summary>
/// Every console page, in the states an operator sees (a form refused with errors, a token just issued), checked by
/// axe-core (WCAG 2.1 A and AA rules) in the real browser, and walked with the keyboard alone.
/// </summary>
public sealed class ConsoleAccessibilityTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [BrowserFact]
    public Task ConsolePages_HaveNoAxeViolations_AndWorkFromTheKeyboard() => fixture.RunAsync(output, async run =>
    {
        var page = run.Page;
        var name = "a11y-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        await page.GotoAsync("/scim-admin");
        await page.GetByLabel("Admin key", new() { Exact = true }).FillAsync(run.Host.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connections", Level = 1 })).ToBeVisibleAsync();

        // Keyboard only: the skip link comes first, and a connection is created with Tab, typing and Enter.
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FocusAsync();
        await page.Keyboard.TypeAsync(name);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 1 })).ToBeVisibleAsync();
        await CheckAsync(run, "connection-created");

        await page.GetByRole(AriaRole.Button, new() { Name = "Issue token", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("New token", new() { Exact = true })).ToBeVisibleAsync();
        await CheckAsync(run, "token-issued");

        foreach (var (path, state) in new[]
        {
            ("/scim-admin/connections", "connections"),
            ($"/scim-admin/connections/{name}/mapping", "mapping"),
            ($"/scim-admin/connections/{name}/groups", "groups"),
            ($"/scim-admin/connections/{name}/lifecycle", "lifecycle"),
            ("/scim-admin/sync", "sync"),
            ("/scim-admin/atlassian", "atlassian"),
            ("/scim-admin/log", "log"),
            ("/scim-admin/preview", "preview"),
        })
        {
            await page.GotoAsync(path);
            await CheckAsync(run, state);
        }

        // A refused form: errors tied to their fields.
        await page.GotoAsync($"/scim-admin/connections/{name}/groups");
        await page.GetByLabel("Include (regular expressions, one per line)", new() { Exact = true }).FillAsync("([");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save group mapping", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await CheckAsync(run, "groups-refused");

        // The preview with a result.
        await page.GotoAsync("/scim-admin/preview?connection=default");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Result" })).ToBeVisibleAsync();
        await CheckAsync(run, "preview-result");

        // Signing out ends the console session.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("Admin key", new() { Exact = true })).ToBeVisibleAsync();
        await page.GotoAsync("/scim-admin/connections");
        await Expect(page.GetByLabel("Admin key", new() { Exact = true })).ToBeVisibleAsync();
    });

    private static async Task CheckAsync(BrowserTestRun run, string state)
    {
        var result = await run.Page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        });
        await run.ScreenshotAsync("a11y-" + state);

        // axe really ran its rules on the page (labels, contrast, landmarks, ...).
        Assert.Contains(result.Passes, p => p.Id == "label" || p.Id == "color-contrast");
        run.Log($"axe on '{state}': {result.Passes.Length} rules passed, {result.Incomplete.Length} need review, {result.Violations.Length} violations");
        var violations = result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}").ToList();
        Assert.True(violations.Count == 0, $"axe found on '{state}' ({run.Page.Url}):\n" + string.Join("\n", violations));
    }
}
