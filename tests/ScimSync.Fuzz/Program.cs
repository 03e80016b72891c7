// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using ScimSync.Fuzz;

// Usage:
//   ScimSync.Fuzz <target> --afl                                   one input per AFL run (SharpFuzz, out of process)
//   ScimSync.Fuzz <target> [--seconds N] [--runs N] [--corpus dir] [--seed S] [--out dir]   the built-in mutation loop
//   ScimSync.Fuzz <target> --replay file-or-dir...                 runs saved inputs once (crash triage)
// Targets: filter, path, patch, resource.
if (args.Length < 2 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    await Console.Error.WriteLineAsync($"usage: ScimSync.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}> (--afl | [--seconds N] [--runs N] [--corpus dir] [--seed S] [--out dir] | --replay path...)");
    return 2;
}

var name = args[0];
switch (args[1])
{
    case "--afl":
        // Unexpected exceptions escape, which AFL records as a crash.
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            _ = target(buffer.ToArray());
        });
        return 0;

    case "--replay":
        var failed = 0;
        foreach (var file in args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]))
        {
            try
            {
                _ = target(File.ReadAllBytes(file));
            }
            catch (Exception e) when (!FuzzTargets.IsExpected(e))
            {
                failed++;
                Console.WriteLine($"CRASH {file}: {e}");
            }
        }

        return failed == 0 ? 0 : 1;

    default:
        var options = ParseOptions(args.AsSpan(1));
        var corpus = options.GetValueOrDefault("--corpus") ?? Path.Combine(AppContext.BaseDirectory, "corpus", name);
        var output = options.GetValueOrDefault("--out") ?? Path.Combine("artifacts", "fuzz", name);
        var seconds = int.Parse(options.GetValueOrDefault("--seconds") ?? "60", CultureInfo.InvariantCulture);
        var seed = options.TryGetValue("--seed", out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        var fuzzer = new MutationFuzzer(name, target, seed, output);
        var executions = options.TryGetValue("--runs", out var r) ? long.Parse(r, CultureInfo.InvariantCulture) : (long?)null;
        var report = fuzzer.Run(MutationFuzzer.LoadCorpus(corpus), options.ContainsKey("--seconds") || executions is null ? TimeSpan.FromSeconds(seconds) : null, executions);
        Console.WriteLine(report);
        return report.Crashes == 0 ? 0 : 1;
}

static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        options[args[i]] = args[i + 1];
    }

    return options;
}
