// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Benchmarks;

/// <summary>Loads the shared benchmark inputs (benchmarks/inputs, copied unchanged from the measurement set).</summary>
internal static class BenchInputs
{
    private static readonly string s_directory = Path.Combine(AppContext.BaseDirectory, "inputs");

    public static JsonObject Load(string fileName) =>
        JsonNode.Parse(File.ReadAllBytes(Path.Combine(s_directory, fileName)))!.AsObject();

    public static string[] Filters() =>
        [.. Load("filters.json")["filters"]!.AsArray().Select(f => (string)f!["filter"]!)];
}
