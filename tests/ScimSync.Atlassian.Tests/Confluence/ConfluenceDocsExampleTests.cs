// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Atlassian.Confluence;
using ScimSync.Atlassian.Emulator;

namespace ScimSync.Atlassian.Tests.Confluence;

/// <summary>The example of docs/atlassian/confluence.md, compiled and run.</summary>
public sealed class ConfluenceDocsExampleTests
{
    [Fact]
    public async Task DocsExample_CreatesAGroupInTheEmulatedConfluence()
    {
        #region client-on-emulator
        await using var emulator = await AtlassianEmulator.StartAsync();
        emulator.Confluence.PersonalAccessTokens.Add("t");
        using var http = new HttpClient { BaseAddress = emulator.Confluence.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", "t");
        var confluence = new ConfluenceClient(http);
        await confluence.EnsureGroupAsync("engineering", CancellationToken.None);
        #endregion

        Assert.Contains("engineering", emulator.Confluence.GroupNames);
    }
}
