// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Admin.BrowserTests.Infrastructure;

/// <summary>
/// Where the browser tests find chromium (<c>CHROMIUM_PATH</c>, else Debian's <c>/usr/bin/chromium</c>, installed by
/// <c>./test.sh</c> when missing) and whether they run: Playwright drives that browser and never downloads one.
/// </summary>
public static class BrowserTestEnvironment
{
    /// <summary>Gets the chromium executable.</summary>
    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Gets a value indicating whether <see cref="ChromiumPath"/> exists.</summary>
    public static bool IsChromiumAvailable => File.Exists(ChromiumPath);

    /// <summary>Gets a value indicating whether this is a CI run (where browser tests never skip).</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the message of a skipped browser test (and of a failed one in CI).</summary>
    public static string SkipMessage =>
        $"chromium was not found at {ChromiumPath}: run ./test.sh (it installs Debian's chromium with apt-get when missing) or set CHROMIUM_PATH.";

    /// <summary>Gets the repository root (the directory holding ScimSync.sln above the test assembly).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ScimSync.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ScimSync.sln above {AppContext.BaseDirectory}.");
    }
}
