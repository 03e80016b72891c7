// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using ScimSync.Tool.Load;

namespace ScimSync.Tool.Tests.Load;

/// <summary>
/// <c>scimsync load</c> at a tiny size over real HTTP against ScimSync: every phase runs without errors, the JSON report
/// counts what was sent, and the store holds what the cycle created (warm-up included). Times are not asserted.
/// </summary>
public sealed class LoadCommandTests : IDisposable
{
    private const string Token = "load-test-token-0123456789abcdef";
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-load-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Load_SmallCycleAgainstScimSync_RunsEveryPhaseWithoutErrors()
    {
        await using var app = await TestEndpoint.StartScimSyncAsync(Token);

        var report = await LoadAsync(app, "--users", "40", "--groups", "2", "--members", "30", "--concurrency", "4", "--warmup", "10", "--warmup-time", "0");

        var phases = report["target"]!["phases"]!.AsArray();
        Assert.Equal(5, phases.Count);
        Assert.All(phases, p => Assert.Equal(0, p!["errors"]!.GetValue<int>()));

        // 40 users and 2 groups of the measured cycle, 10 users and 1 group of the warm-up; each group has its members.
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        Assert.Equal(50, JsonNode.Parse(await client.GetStringAsync(TestEndpoint.BaseUrl(app) + "/Users?count=0"))!["totalResults"]!.GetValue<int>());
        var groups = JsonNode.Parse(await client.GetStringAsync(TestEndpoint.BaseUrl(app) + "/Groups"))!["Resources"]!.AsArray();
        Assert.Equal(3, groups.Count);
        Assert.Equal([10, 30, 30], groups.Select(g => g!["members"]?.AsArray().Count ?? 0).Order());
    }

    [Fact]
    public async Task Load_WarmupTime_RepeatsWarmupCyclesUntilItHasPassed()
    {
        await using var app = await TestEndpoint.StartScimSyncAsync(Token);

        var report = await LoadAsync(app, "--users", "5", "--groups", "0", "--members", "0", "--concurrency", "2", "--warmup", "3", "--warmup-time", "1.5");

        var warmup = report["targetWarmup"]!;
        var cycles = warmup["cycles"]!.GetValue<int>();
        Assert.True(cycles >= 1);
        Assert.True(warmup["seconds"]!.GetValue<double>() >= 1.5);
        Assert.Equal(3, warmup["usersPerCycle"]!.GetValue<int>());
        Assert.Equal(0, warmup["errors"]!.GetValue<long>());

        // Every warm-up cycle reported ran against the target: its users are there beside the measured cycle's.
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        Assert.Equal(5 + (3 * cycles), JsonNode.Parse(await client.GetStringAsync(TestEndpoint.BaseUrl(app) + "/Users?count=0"))!["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Load_AgainstTheFloor_RunsEveryPhaseWithoutErrors()
    {
        await using var app = await TestEndpoint.StartAsync(builder => FloorCommand.Build(builder, Token));
        var baseUrl = app.Urls.First().TrimEnd('/') + "/scim/v2";

        var report = await LoadAsync(baseUrl, "--users", "40", "--groups", "2", "--members", "30", "--concurrency", "4", "--warmup", "10", "--warmup-time", "0");

        var phases = report["target"]!["phases"]!.AsArray();
        Assert.Equal(5, phases.Count);
        Assert.All(phases, p => Assert.Equal(0, p!["errors"]!.GetValue<int>()));
        using var client = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync(baseUrl + "/Users?count=0")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        Assert.Equal(50, JsonNode.Parse(await client.GetStringAsync(baseUrl + "/Users?count=0"))!["totalResults"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("--warmup-time", "-1")]
    [InlineData("--warmup-time", "NaN")]
    [InlineData("--warmup", "-1")]
    public async Task Load_NegativeWarmup_IsRefused(string option, string value)
    {
        var exitCode = await new RootCommand { LoadCommand.Create() }.Parse(
            ["load", "--base", "http://127.0.0.1:9/scim/v2", "--token", Token, "--users", "1", option, value]).InvokeAsync();

        Assert.Equal(2, exitCode);
    }

    [Fact]
    public async Task Load_RemoteTargetWithoutAllowRemote_IsRefused()
    {
        var exitCode = await new RootCommand { LoadCommand.Create() }.Parse(
            ["load", "--base", "http://scim.example.com/scim/v2", "--token", Token, "--users", "1"]).InvokeAsync();

        Assert.Equal(2, exitCode);
    }

    // Runs the load command against the endpoint with the given options, expects it to succeed, and returns its JSON report.
    private Task<JsonNode> LoadAsync(WebApplication app, params string[] options) => LoadAsync(TestEndpoint.BaseUrl(app), options);

    private async Task<JsonNode> LoadAsync(string baseUrl, params string[] options)
    {
        var json = Path.Combine(_directory, "load.json");
        var exitCode = await new RootCommand { LoadCommand.Create() }.Parse(
            ["load", "--base", baseUrl, "--token", Token, .. options, "--json", json]).InvokeAsync();

        Assert.Equal(0, exitCode);
        return JsonNode.Parse(await File.ReadAllTextAsync(json))!;
    }
}
