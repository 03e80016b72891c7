// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimSync.Tool.Check;

namespace ScimSync.Tool.Tests.Check;

/// <summary><c>scimsync check</c> over real HTTP against ScimSync itself, and against an endpoint that is broken.</summary>
public sealed class CheckCommandTests : IDisposable
{
    private const string Token = "check-test-token-0123456789abcdef";
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-check-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Check_AgainstScimSyncWithWrites_EveryCheckPasses()
    {
        await using var app = await TestEndpoint.StartScimSyncAsync(Token);
        var json = Path.Combine(_directory, "check.json");

        var (exitCode, output) = await ToolRunner.RunAsync(
            c => CheckCommand.Create(c), "check", "--base", TestEndpoint.BaseUrl(app), "--token", Token, "--include-writes", "--json", json);

        Assert.True(exitCode == 0, output);
        Assert.Contains("19 passed, 0 failed, 0 skipped", output, StringComparison.Ordinal);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
        Assert.Equal(0, report["failed"]!.GetValue<int>());
        Assert.Equal(19, report["checks"]!.AsArray().Count);

        // Nothing is left behind.
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        var users = JsonNode.Parse(await client.GetStringAsync(TestEndpoint.BaseUrl(app) + "/Users"))!;
        Assert.Equal(0, users["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Check_WithoutWrites_ReadsOnlyAndSkipsTheRest()
    {
        await using var app = await TestEndpoint.StartScimSyncAsync(Token);

        var (exitCode, output) = await ToolRunner.RunAsync(c => CheckCommand.Create(c), "check", "--base", TestEndpoint.BaseUrl(app), "--token", Token);

        Assert.True(exitCode == 0, output);
        Assert.Contains("7 passed, 0 failed, 12 skipped", output, StringComparison.Ordinal);
        Assert.Contains("400 invalidFilter", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_EndpointAnswering500_FailsWithExitCode1()
    {
        await using var app = await TestEndpoint.StartAsync(builder =>
        {
            var broken = builder.Build();
            broken.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return Task.CompletedTask;
            });
            return broken;
        });

        var (exitCode, output) = await ToolRunner.RunAsync(c => CheckCommand.Create(c), "check", "--base", TestEndpoint.BaseUrl(app), "--token", Token, "--include-writes");

        Assert.Equal(1, exitCode);
        Assert.Contains("FAIL", output, StringComparison.Ordinal);
        Assert.Contains("expected 200, got 500", output, StringComparison.Ordinal);
        Assert.Contains("0 passed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WrongToken_FailsEveryAuthenticatedCheck()
    {
        await using var app = await TestEndpoint.StartScimSyncAsync(Token);

        var (exitCode, output) = await ToolRunner.RunAsync(c => CheckCommand.Create(c), "check", "--base", TestEndpoint.BaseUrl(app), "--token", "not-the-token-0123456789");

        Assert.Equal(1, exitCode);
        Assert.Contains("got 401", output, StringComparison.Ordinal);
    }
}
