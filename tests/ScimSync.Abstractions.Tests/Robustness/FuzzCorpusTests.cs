// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Fuzz;

namespace ScimSync.Abstractions.Tests.Robustness;

/// <summary>
/// Runs every fuzz harness over its committed seed corpus (tests/ScimSync.Fuzz/corpus), so the harnesses keep
/// compiling and running, the seeds stay valid for the targets, and a seed that crashes fails the build.
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string> Targets => new(FuzzTargets.All.Keys);

    [Theory]
    [MemberData(nameof(Targets))]
    public void Harness_CommittedCorpus_AcceptsEverySeedWithoutCrashing(string target)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "corpus", target);
        var files = Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            // The seeds are real requests: each must get past the parsers, or the fuzzer starts from nothing.
            Assert.True(FuzzTargets.All[target](File.ReadAllBytes(file)), $"{Path.GetFileName(file)} was rejected");
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Harness_SeededMutationRun_FindsNoCrash(string target)
    {
        var output = Directory.CreateTempSubdirectory("scimsync-fuzz-").FullName;
        try
        {
            var fuzzer = new MutationFuzzer(target, FuzzTargets.All[target], seed: 8, output);
            var report = fuzzer.Run(MutationFuzzer.LoadCorpus(Path.Combine(AppContext.BaseDirectory, "corpus", target)), maxExecutions: 2_000);
            Assert.Equal(0, report.Crashes);
            Assert.Equal(2_000, report.Executions);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
