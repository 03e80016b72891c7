// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Admin.BrowserTests.Infrastructure;

/// <summary>
/// A test that drives chromium (<see cref="BrowserTestEnvironment.ChromiumPath"/>). Without it the test is skipped with
/// a message saying how to run it, except with <c>CI=true</c>, where it runs and fails: CI must never pass by skipping
/// the browser tests.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!BrowserTestEnvironment.IsChromiumAvailable && !BrowserTestEnvironment.IsCi)
        {
            Skip = BrowserTestEnvironment.SkipMessage;
        }
    }
}
