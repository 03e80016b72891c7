// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace ScimSync.Tool.Load;

/// <summary>One phase's figures. Latencies are in milliseconds.</summary>
internal sealed record PhaseReport(string Name, long Operations, long Errors, double Seconds, double OperationsPerSecond, double P50, double P95, double P99, double Max, IReadOnlyList<string> SampleErrors);

/// <summary>What one run of the cycle measured.</summary>
internal sealed record LoadReport(string Target, IReadOnlyList<PhaseReport> Phases)
{
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Print(LoadReport report, LoadReport? ceiling)
    {
        if (Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns without a terminal, which folds the table beyond reading in logs.
            AnsiConsole.Profile.Width = 160;
        }

        var table = new Table().Title($"SCIM load: {Markup.Escape(report.Target)}");
        table.AddColumns("phase", "ops", "errors", "ops/s", "p50 ms", "p95 ms", "p99 ms", "max ms");
        if (ceiling is not null)
        {
            table.AddColumns("ceiling ops/s", "% of ceiling");
        }

        foreach (var phase in report.Phases)
        {
            List<string> row =
            [
                phase.Name,
                phase.Operations.ToString("N0", CultureInfo.InvariantCulture),
                phase.Errors == 0 ? "0" : $"[red]{phase.Errors}[/]",
                phase.OperationsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                Ms(phase.P50), Ms(phase.P95), Ms(phase.P99), Ms(phase.Max),
            ];
            if (ceiling?.Phases.FirstOrDefault(p => p.Name == phase.Name) is { } top)
            {
                row.Add(top.OperationsPerSecond.ToString("N0", CultureInfo.InvariantCulture));
                row.Add((100 * phase.OperationsPerSecond / top.OperationsPerSecond).ToString("0.0", CultureInfo.InvariantCulture) + " %");
            }

            table.AddRow([.. row]);
        }

        AnsiConsole.Write(table);
        foreach (var phase in report.Phases.Where(p => p.SampleErrors.Count > 0))
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(phase.Name)}[/]: {Markup.Escape(string.Join(" | ", phase.SampleErrors))}");
        }
    }

    private static string Ms(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
