// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace ScimSync.Tool.Check;

/// <summary><c>scimsync check</c>: SCIM protocol checks against any endpoint, as a readable report and an exit code.</summary>
internal static class CheckCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <param name="console">Where the report goes (the terminal unless a test passes its own).</param>
    /// <param name="handler">The HTTP handler to send with (a real one unless a test passes its own).</param>
    public static Command Create(IAnsiConsole? console = null, HttpMessageHandler? handler = null)
    {
        var baseUrl = EndpointOptions.BaseUrl("https://host/scim/entra/v2");
        var token = EndpointOptions.Token();
        var includeWrites = new Option<bool>("--include-writes") { Description = "Also create, change and delete a test user and group (unique names, removed afterwards)." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each response.", DefaultValueFactory = _ => 30 };
        var command = new Command("check", "Check that a SCIM endpoint answers as RFC 7644 and identity providers expect: discovery, authentication, error shapes, and with --include-writes user and group create/read/filter/patch/replace/delete.")
        {
            baseUrl, token, includeWrites, json, timeout,
        };

        command.SetAction(async (result, cancellationToken) =>
        {
            var output = console ?? AnsiConsole.Console;
            if (EndpointOptions.ResolveToken(result, token, output) is not { } bearer)
            {
                return 2;
            }

            var target = result.GetValue(baseUrl)!;
            using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            http.Timeout = TimeSpan.FromSeconds(Math.Max(1, result.GetValue(timeout)));
            var checker = new ScimChecker(http, target, bearer, result.GetValue(includeWrites));
            var results = await RunWithProgressAsync(output, checker, cancellationToken).ConfigureAwait(false);

            Print(output, target, results);
            if (result.GetValue(json) is { } file)
            {
                await using var stream = file.Create();
                var report = new
                {
                    baseUrl = target.AbsoluteUri,
                    passed = results.Count(r => r.Outcome == CheckOutcome.Passed),
                    failed = results.Count(r => r.Outcome == CheckOutcome.Failed),
                    skipped = results.Count(r => r.Outcome == CheckOutcome.Skipped),
                    checks = results.Select(r => new { r.Group, r.Name, outcome = r.Outcome.ToString().ToLowerInvariant(), r.Detail, r.Milliseconds }),
                };
                await JsonSerializer.SerializeAsync(stream, report, s_json, cancellationToken).ConfigureAwait(false);
            }

            return results.Any(r => r.Outcome == CheckOutcome.Failed) ? 1 : 0;
        });
        return command;
    }

    private static async Task<IReadOnlyList<CheckResult>> RunWithProgressAsync(IAnsiConsole console, ScimChecker checker, CancellationToken cancellationToken)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return await checker.RunAsync(null, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<CheckResult> results = [];
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("checking", maxValue: checker.Checks.Count);
                results = await checker.RunAsync(
                    r =>
                    {
                        task.Description = Markup.Escape(r.Name);
                        task.Increment(1);
                    },
                    cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return results;
    }

    private static void Print(IAnsiConsole console, Uri target, IReadOnlyList<CheckResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(target.AbsoluteUri));
        table.AddColumn("check");
        table.AddColumn("result");
        table.AddColumn("detail");
        foreach (var result in results)
        {
            var outcome = result.Outcome switch
            {
                CheckOutcome.Passed => "[green]pass[/]",
                CheckOutcome.Failed => "[red]FAIL[/]",
                _ => "[grey]skip[/]",
            };
            table.AddRow(Markup.Escape($"{result.Group}: {result.Name}"), outcome, Markup.Escape(result.Detail));
        }

        console.Write(table);
        var failed = results.Count(r => r.Outcome == CheckOutcome.Failed);
        var summary = $"{results.Count(r => r.Outcome == CheckOutcome.Passed)} passed, {failed} failed, {results.Count(r => r.Outcome == CheckOutcome.Skipped)} skipped";
        console.MarkupLine(failed == 0 ? $"[green]{summary}[/]" : $"[red]{summary}[/]");
    }
}
