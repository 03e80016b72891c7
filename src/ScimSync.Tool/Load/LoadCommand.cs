// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
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
            Description = "Users of each unreported warm-up cycle run first against each endpoint (the ceiling too), so the figures show warmed-up processes (JIT, pools, caches) rather than their first seconds; 0 to skip. Warm-up cycles leave their users and groups in the target.",
            DefaultValueFactory = _ => 3_000,
        };
        var warmupTime = new Option<double>("--warmup-time")
        {
            Description = "Seconds of warm-up per endpoint: warm-up cycles repeat until this much time has passed (at least one runs). This process and the target recompile their hot code in the background for tens of seconds on 2 vCPUs, and a ceiling measured before that is done is measured low.",
            DefaultValueFactory = _ => 30,
        };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a target that is not on this machine (a load test is an attack to anyone else)." };
        var command = new Command("load", "Load-test a SCIM endpoint with an Entra ID-style cycle: lookups, creates, member adds, changes, deactivations and reads.")
        {
            baseUrl, token, users, groups, members, concurrency, warmup, warmupTime, ceiling, ceilingUrls, ceilingBodies, json, allowRemote,
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
            var warmupSeconds = result.GetValue(warmupTime);
            if (settings.Users < 1 || settings.Groups < 0 || settings.Members < 0 || settings.Concurrency < 1 || warmupUsers < 0 ||
                !(warmupSeconds >= 0 && warmupSeconds <= TimeSpan.MaxValue.TotalSeconds))
            {
                AnsiConsole.MarkupLine("[red]--users and --concurrency must be positive, --groups, --members, --warmup and --warmup-time not negative.[/]");
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
            WarmupReport? ceilingWarmup = null;
            if (result.GetValue(ceiling))
            {
                var urls = result.GetValue(ceilingUrls)!;
                await using var app = CeilingCommand.Build(urls, result.GetValue(ceilingBodies));
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                if (warmupSettings is not null)
                {
                    ceilingWarmup = await WarmUpAsync(new Uri(urls + "/scim/v2"), "ceiling", warmupSettings, warmupSeconds, "Ceiling", cancellationToken).ConfigureAwait(false);
                }

                ceilingReport = await EntraCycle.RunAsync(new Uri(urls + "/scim/v2"), "ceiling", settings, "Ceiling", cancellationToken).ConfigureAwait(false);
                await app.StopAsync(cancellationToken).ConfigureAwait(false);
            }

            WarmupReport? targetWarmup = null;
            if (warmupSettings is not null)
            {
                targetWarmup = await WarmUpAsync(target, bearer, warmupSettings, warmupSeconds, "Target", cancellationToken).ConfigureAwait(false);
            }

            var report = await EntraCycle.RunAsync(target, bearer, settings, "Target", cancellationToken).ConfigureAwait(false);
            LoadReport.Print(report, ceilingReport);
            if (result.GetValue(json) is { } file)
            {
                await using var stream = file.Create();
                await JsonSerializer.SerializeAsync(stream, new { settings, ceilingBodies = ceilingReport is null ? null : result.GetValue(ceilingBodies).ToString(), target = report, ceiling = ceilingReport, targetWarmup, ceilingWarmup }, LoadReport.JsonOptions, cancellationToken).ConfigureAwait(false);
            }

            return report.Phases.Any(p => p.Errors > 0) ? 1 : 0;
        });
        return command;
    }

    // Warm-up cycles until the time has passed, each summed up on one line: their rates show whether the processes
    // were still getting faster when the measured cycle began.
    private static async Task<WarmupReport> WarmUpAsync(Uri url, string token, LoadSettings settings, double seconds, string label, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var cycles = new List<LoadReport>();
        do
        {
            var cycle = await EntraCycle.RunAsync(url, token, settings, $"{label} warm-up {cycles.Count + 1}", cancellationToken, clearProgress: true).ConfigureAwait(false);
            cycles.Add(cycle);
            var rates = string.Join(", ", cycle.Phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name.Split(' ')[0]} {p.OperationsPerSecond:N0}/s")));
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{label} warm-up {cycles.Count}: {rates}")));
            foreach (var phase in cycle.Phases.Where(p => p.Errors > 0))
            {
                AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(phase.Name)}[/]: {phase.Errors} errors in the warm-up, for example {Markup.Escape(string.Join(" | ", phase.SampleErrors))}");
            }
        }
        while (Stopwatch.GetElapsedTime(started).TotalSeconds < seconds);

        return new WarmupReport(cycles.Count, settings.Users, Stopwatch.GetElapsedTime(started).TotalSeconds, cycles.Sum(c => c.Phases.Sum(p => p.Errors)));
    }
}

/// <summary>The size of a load run.</summary>
internal sealed record LoadSettings(int Users, int Groups, int Members, int Concurrency);

/// <summary>What the warm-up against one endpoint ran: its cycles, the users of each, its seconds and errors.</summary>
internal sealed record WarmupReport(int Cycles, int UsersPerCycle, double Seconds, long Errors);
