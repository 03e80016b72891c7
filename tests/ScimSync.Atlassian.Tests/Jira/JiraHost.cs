// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net.Http.Headers;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Jira;

namespace ScimSync.Atlassian.Tests.Jira;

/// <summary>A started emulator with a token, an <see cref="HttpClient"/> carrying it and a <see cref="JiraClient"/>.</summary>
internal sealed class JiraHost : IAsyncDisposable
{
    public const string Token = "t";

    private JiraHost(AtlassianEmulator emulator, HttpClient http)
    {
        Emulator = emulator;
        Http = http;
        Client = new JiraClient(http);
    }

    public AtlassianEmulator Emulator { get; }

    public JiraEmulator Jira => Emulator.Jira;

    public HttpClient Http { get; }

    public JiraClient Client { get; }

    public static async Task<JiraHost> StartAsync()
    {
        var emulator = await AtlassianEmulator.StartAsync();
        emulator.Jira.PersonalAccessTokens.Add(Token);
        var http = new HttpClient { BaseAddress = emulator.Jira.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return new JiraHost(emulator, http);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}
