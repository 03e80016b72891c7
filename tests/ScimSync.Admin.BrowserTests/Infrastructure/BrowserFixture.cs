// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ScimSync.Admin.BrowserTests.Infrastructure;

/// <summary>
/// One sample host and one chromium (a persistent context on a fresh profile) per test class: clipboard access granted
/// for the host's origin, 15 s default timeouts. Tests run through <see cref="RunAsync"/>, which gives each a fresh page
/// and, on failure, saves a screenshot and writes the host's output and the browser's console to the test output.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Playwright's default timeout for actions, navigations and assertions.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    // Debian's chromium as the notes in /work/shared/DOTNET-NOTES.md run it: no sandbox (root in a container), no GPU,
    // nothing fetched in the background.
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    private SampleHostProcess? _host;
    private IPlaywright? _playwright;
    private IBrowserContext? _context;
    private string? _profileDirectory;
    private Exception? _startError;

    /// <summary>Gets the running sample host.</summary>
    public SampleHostProcess Host => _host ?? throw new InvalidOperationException("The sample host did not start.");

    /// <summary>Gets the browser context (one per test class).</summary>
    public IBrowserContext Context => _context ?? throw new InvalidOperationException("The browser did not start.");

    public async Task InitializeAsync()
    {
        if (!BrowserTestEnvironment.IsChromiumAvailable)
        {
            // The tests are skipped, or (CI=true) fail in RunAsync with the reason.
            return;
        }

        try
        {
            _host = await SampleHostProcess.StartAsync();
            _playwright = await Playwright.CreateAsync();
            _profileDirectory = Directory.CreateTempSubdirectory("scimsync-chromium-").FullName;
            _context = await _playwright.Chromium.LaunchPersistentContextAsync(_profileDirectory, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = BrowserTestEnvironment.ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
                BaseURL = _host.BaseAddress.ToString(),
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            });
            await _context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = _host.Origin });
            _context.SetDefaultTimeout((float)DefaultTimeout.TotalMilliseconds);
            _context.SetDefaultNavigationTimeout((float)DefaultTimeout.TotalMilliseconds);
            Assertions.SetDefaultExpectTimeout((float)DefaultTimeout.TotalMilliseconds);
        }
        catch (Exception e) when (e is PlaywrightException or InvalidOperationException or TimeoutException or IOException)
        {
            // Reported by every test of the class, with the host's output, instead of as a bare fixture failure.
            _startError = e;
        }
    }

    /// <summary>
    /// Runs <paramref name="test"/> on a fresh page. On failure it saves the screenshot <c>&lt;test&gt;-failure.png</c> and
    /// writes the host's stdout/stderr and the browser console to <paramref name="output"/>, then rethrows.
    /// </summary>
    public async Task RunAsync(ITestOutputHelper output, Func<BrowserTestRun, Task> test, [CallerMemberName] string testName = "")
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(test);
        if (!BrowserTestEnvironment.IsChromiumAvailable)
        {
            throw new InvalidOperationException(BrowserTestEnvironment.SkipMessage + " With CI=true browser tests never skip.");
        }

        if (_startError is not null)
        {
            output.WriteLine("Sample host output:\n" + (_host?.Output ?? "(not started)"));
            throw new InvalidOperationException("The sample host or the browser did not start: " + _startError.Message, _startError);
        }

        var page = await Context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) =>
        {
            lock (console)
            {
                console.Add($"[{message.Type}] {message.Text}");
            }
        };
        page.PageError += (_, error) =>
        {
            lock (console)
            {
                console.Add($"[pageerror] {error}");
            }
        };

        var run = new BrowserTestRun(testName, page, Host, output);
        try
        {
            await test(run);
        }
        catch
        {
            await run.TryScreenshotAsync("failure");
            output.WriteLine($"Failed on page {page.Url}");
            lock (console)
            {
                output.WriteLine("Browser console:\n" + string.Join('\n', console));
            }

            output.WriteLine("Sample host output:\n" + Host.Output);
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        _playwright?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_profileDirectory is not null)
        {
            try
            {
                Directory.Delete(_profileDirectory, recursive: true);
            }
            catch (IOException)
            {
                // chromium may still be writing its profile as it exits; a leftover temp directory is harmless.
            }
        }
    }
}
