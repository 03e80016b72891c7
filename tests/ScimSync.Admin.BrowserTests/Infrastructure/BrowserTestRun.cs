// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ScimSync.Admin.BrowserTests.Infrastructure;

/// <summary>
/// One test's page, host and screenshots: <c>artifacts/test-results/screenshots/&lt;test&gt;-&lt;nn&gt;-&lt;step&gt;.png</c>
/// under the repository root (the test's older screenshots are removed first).
/// </summary>
public sealed class BrowserTestRun
{
    private readonly ITestOutputHelper _output;
    private int _steps;

    internal BrowserTestRun(string testName, IPage page, SampleHostProcess host, ITestOutputHelper output)
    {
        TestName = testName;
        Page = page;
        Host = host;
        _output = output;
        Directory.CreateDirectory(ScreenshotDirectory);
        foreach (var old in Directory.EnumerateFiles(ScreenshotDirectory, testName + "-*.png"))
        {
            File.Delete(old);
        }
    }

    /// <summary>Gets the directory of every browser test's screenshots.</summary>
    public static string ScreenshotDirectory { get; } =
        Path.Combine(BrowserTestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots");

    /// <summary>Gets the test's method name.</summary>
    public string TestName { get; }

    /// <summary>Gets the test's page.</summary>
    public IPage Page { get; }

    /// <summary>Gets the sample host.</summary>
    public SampleHostProcess Host { get; }

    /// <summary>Saves a full-page screenshot of the current step and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string step)
    {
        var number = Interlocked.Increment(ref _steps).ToString("00", CultureInfo.InvariantCulture);
        var path = Path.Combine(ScreenshotDirectory, $"{TestName}-{number}-{step}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        _output.WriteLine($"screenshot: {path}");
        return path;
    }

    /// <summary>Reads the clipboard through the page (clipboard-read is granted for the host's origin).</summary>
    public Task<string> ReadClipboardAsync() => Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");

    /// <summary>
    /// Asserts that the clipboard holds <paramref name="expected"/>, waiting (up to the default timeout) for a copy
    /// button's asynchronous write to land.
    /// </summary>
    public async Task ExpectClipboardAsync(string expected)
    {
        try
        {
            await Page.WaitForFunctionAsync(
                "expected => navigator.clipboard.readText().then(text => text === expected)",
                expected,
                new PageWaitForFunctionOptions { PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            // The assertion below reports what the clipboard holds instead.
        }

        Assert.Equal(expected, await ReadClipboardAsync());
    }

    /// <summary>Writes a line to the test output.</summary>
    public void Log(string message) => _output.WriteLine(message);

    internal async Task TryScreenshotAsync(string step)
    {
        try
        {
            await ScreenshotAsync(step);
        }
        catch (PlaywrightException e)
        {
            // The page may be gone (the failure itself); the original exception matters more.
            _output.WriteLine($"no {step} screenshot: {e.Message}");
        }
    }
}
