// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace ScimSync.Tool.Load;

/// <summary>
/// <c>scimsync load</c>: replays an Entra ID-style provisioning cycle against any SCIM endpoint and reports each
/// phase's throughput and latency, optionally beside the same cycle against the bare Kestrel ceiling.
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var baseUrl = EndpointOptions.BaseUrl("http://127.0.0.1:5080/scim/default/v2");
        var token = EndpointOptions.Token();
        var users = new Option<int>("--users") { Description = "Users to create.", DefaultValueFactory = _ => 10_000 };
        var groups = new Option<int>("--groups") { Description = "Groups to create.", DefaultValueFactory = _ => 100 };
        var members = new Option<int>("--members") { Description = "Members per group.", DefaultValueFactory = _ => 500 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight.", DefaultValueFactory = _ => 8 };
        var ceiling = new Option<bool>("--ceiling") { Description = "First run the same cycle against a bare Kestrel ceiling started in this process, and report percentages of it." };
        var ceilingUrls = new Option<string>("--ceiling-urls") { Description = "Where the in-process ceiling listens.", DefaultValueFactory = _ => "http://127.0.0.1:5091" };
        var ceilingBodies = CeilingCommand.BodiesOption();
        var json = new Option<FileInfo?>("--json") { Description = "Also write the report as JSON to this file." };
        var warmup = new Option<int>("--warmup")
        {
            Description = "Users of an unreported warm-up cycle run first against each endpoint (the ceiling too), so the figures show a warmed-up server (JIT, pools, caches) rather than its first seconds; 0 to skip. A fresh .NET host recompiles its hot code in the background for its first 10 to 15 seconds on 2 vCPUs, so the default is sized to outlast that. It leaves its users and groups in the target.",
            DefaultValueFactory = _ => 3_000,
        };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a target that is not on this machine (a load test is an attack to anyone else)." };
        var command = new Command("load", "Load-test a SCIM endpoint with an Entra ID-style cycle: lookups, creates, member adds, changes, deactivations and reads.")
        {
            baseUrl, token, users, groups, members, concurrency, warmup, ceiling, ceilingUrls, ceilingBodies, json, allowRemote,
        };

        command.SetAction(async (result, cancellationToken) =>
        {
            var target = result.GetValue(baseUrl)!;
            var settings = new LoadSettings(
                result.GetValue(users),
                result.GetValue(groups),
                Math.Min(result.GetValue(members), result.GetValue(users)),
                result.GetValue(concurrency));
            var warmupUsers = result.GetValue(warmup);
            if (settings.Users < 1 || settings.Groups < 0 || settings.Members < 0 || settings.Concurrency < 1 || warmupUsers < 0)
            {
                AnsiConsole.MarkupLine("[red]--users and --concurrency must be positive, --groups, --members and --warmup not negative.[/]");
                return 2;
            }

            // The same shape at a small size: every request kind of the cycle, enough times for the JIT to tier up.
            var warmupSettings = warmupUsers == 0 ? null : new LoadSettings(
                warmupUsers, Math.Max(1, warmupUsers / 100), Math.Min(100, warmupUsers), settings.Concurrency);

            if (!target.IsLoopback && !result.GetValue(allowRemote))
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(target.Host)} is not this machine; pass --allow-remote to load-test it anyway.[/]");
                return 2;
            }

            if (EndpointOptions.ResolveToken(result, token, AnsiConsole.Console) is not { } bearer)
            {
                return 2;
            }

            LoadReport? ceilingReport = null;
            if (result.GetValue(ceiling))
            {
                var urls = result.GetValue(ceilingUrls)!;
                await using var app = CeilingCommand.Build(urls, result.GetValue(ceilingBodies));
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                if (warmupSettings is not null)
                {
                    await EntraCycle.RunAsync(new Uri(urls + "/scim/v2"), "ceiling", warmupSettings, "Ceiling warm-up", cancellationToken).ConfigureAwait(false);
                }

                ceilingReport = await EntraCycle.RunAsync(new Uri(urls + "/scim/v2"), "ceiling", settings, "Ceiling", cancellationToken).ConfigureAwait(false);
                await app.StopAsync(cancellationToken).ConfigureAwait(false);
            }

            if (warmupSettings is not null)
            {
                var warm = await EntraCycle.RunAsync(target, bearer, warmupSettings, "Target warm-up", cancellationToken).ConfigureAwait(false);
                if (warm.Phases.Any(p => p.Errors > 0))
                {
                    AnsiConsole.MarkupLine("[yellow]The warm-up cycle had errors; the measured run follows anyway.[/]");
                    foreach (var phase in warm.Phases.Where(p => p.SampleErrors.Count > 0))
                    {
                        AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(phase.Name)}[/]: {phase.Errors} errors, for example {Markup.Escape(string.Join(" | ", phase.SampleErrors))}");
                    }
                }
            }

            var report = await EntraCycle.RunAsync(target, bearer, settings, "Target", cancellationToken).ConfigureAwait(false);
            LoadReport.Print(report, ceilingReport);
            if (result.GetValue(json) is { } file)
            {
                await using var stream = file.Create();
                await JsonSerializer.SerializeAsync(stream, new { settings, ceilingBodies = ceilingReport is null ? null : result.GetValue(ceilingBodies).ToString(), target = report, ceiling = ceilingReport }, LoadReport.JsonOptions, cancellationToken).ConfigureAwait(false);
            }

            return report.Phases.Any(p => p.Errors > 0) ? 1 : 0;
        });
        return command;
    }
}

/// <summary>The size of a load run.</summary>
internal sealed record LoadSettings(int Users, int Groups, int Members, int Concurrency);
