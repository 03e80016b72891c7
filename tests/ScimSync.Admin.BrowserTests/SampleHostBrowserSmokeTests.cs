// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using Microsoft.Playwright;
using ScimSync.Admin.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ScimSync.Admin.BrowserTests;

/// <summary>
/// The browser test infrastructure against the sample host alone (no operator console needed): the host starts as a
/// child process, chromium reaches it, screenshots are written and the clipboard is usable on the host's origin.
/// </summary>
public sealed class SampleHostBrowserSmokeTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [BrowserFact]
    public Task ServiceProviderConfig_OpenedWithBearerToken_ShowsPatchSupport() => fixture.RunAsync(output, async run =>
    {
        await run.Page.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Authorization"] = $"Bearer {run.Host.Token}" });

        var response = await run.Page.GotoAsync("/scim/default/v2/ServiceProviderConfig");

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        var body = await response.TextAsync();
        using var json = JsonDocument.Parse(body);
        Assert.True(json.RootElement.GetProperty("patch").GetProperty("supported").GetBoolean());
        await Expect(run.Page.Locator("body")).ToContainTextAsync("\"patch\"");
        await run.ScreenshotAsync("service-provider-config");
    });

    [BrowserFact]
    public Task ServiceProviderConfig_OpenedWithoutToken_IsUnauthorized() => fixture.RunAsync(output, async run =>
    {
        var response = await run.Page.GotoAsync("/scim/default/v2/ServiceProviderConfig");

        Assert.NotNull(response);
        Assert.Equal(401, response.Status);
        await run.ScreenshotAsync("unauthorized");
    });

    [BrowserFact]
    public Task Clipboard_OnHostOrigin_RoundTripsText() => fixture.RunAsync(output, async run =>
    {
        await run.Page.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Authorization"] = $"Bearer {run.Host.Token}" });
        await run.Page.GotoAsync("/scim/default/v2/ServiceProviderConfig");
        var text = "scim_clipboard-check-" + Guid.NewGuid().ToString("N");

        await run.Page.EvaluateAsync("text => navigator.clipboard.writeText(text)", text);

        await run.ExpectClipboardAsync(text);
    });
}
