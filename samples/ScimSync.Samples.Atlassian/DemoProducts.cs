// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using ScimSync.Atlassian.Emulator;

namespace ScimSync.Samples.Atlassian;

/// <summary>
/// Demo mode: Jira, Confluence and Bitbucket emulated in process on 127.0.0.1 (memory only), and the targets of
/// <c>ScimSync:Atlassian</c> pointed at them with a fresh personal access token.
/// </summary>
internal sealed class DemoProducts : IAsyncDisposable
{
    private readonly AtlassianEmulator _emulator;
    private readonly string _token;

    private DemoProducts(AtlassianEmulator emulator, string token)
    {
        _emulator = emulator;
        _token = token;
    }

    public static async Task<DemoProducts> StartAsync(IConfiguration configuration)
    {
        var emulator = await AtlassianEmulator.StartAsync();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        EmulatedProduct[] products = [emulator.Jira, emulator.Confluence, emulator.Bitbucket];
        foreach (var product in products)
        {
            product.PersonalAccessTokens.Add(token);
        }

        // A project led by the administrator, so that deactivating a lead has somewhere to move the lead to.
        emulator.Jira.AddProject("DEMO", "Demo project", "admin");
        foreach (var (name, product) in new[] { ("jira", products[0]), ("confluence", products[1]), ("bitbucket", products[2]) })
        {
            configuration[$"ScimSync:Atlassian:{name}:BaseAddress"] = product.BaseAddress!.AbsoluteUri;
            configuration[$"ScimSync:Atlassian:{name}:PersonalAccessToken"] = token;
        }

        return new DemoProducts(emulator, token);
    }

    public void Print()
    {
        Console.WriteLine($"Demo Jira:       {_emulator.Jira.BaseAddress}");
        Console.WriteLine($"Demo Confluence: {_emulator.Confluence.BaseAddress}");
        Console.WriteLine($"Demo Bitbucket:  {_emulator.Bitbucket.BaseAddress}");
        Console.WriteLine($"Demo product token (Authorization: Bearer): {_token}");
    }

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();
}
