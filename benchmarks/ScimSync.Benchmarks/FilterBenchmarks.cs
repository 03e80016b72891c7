// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ScimSync.Filtering;
using ScimSync.Schema;

namespace ScimSync.Benchmarks;

/// <summary>Filter parsing and evaluation on the ten filters of <c>inputs/filters.json</c>.</summary>
[MemoryDiagnoser]
public class FilterBenchmarks
{
    private string[] _filters = [];
    private FilterNode[] _userFilters = [];
    private FilterNode[] _groupFilters = [];
    private JsonObject _user = new();
    private JsonObject _group = new();
    private ScimFilterEvaluator _userEvaluator = null!;
    private ScimFilterEvaluator _groupEvaluator = null!;

    [GlobalSetup]
    public void Setup()
    {
        _filters = BenchInputs.Filters();
        var registry = new ScimSchemaRegistry();
        _userEvaluator = new ScimFilterEvaluator(registry.User);
        _groupEvaluator = new ScimFilterEvaluator(registry.Group);
        _user = BenchInputs.Load("patch_target_user.json")["resource"]!.AsObject();
        _group = BenchInputs.Load("patch_target_group.json")["resource"]!.AsObject();

        // F03 and F04 are the group lookups Entra ID sends; the other eight address users.
        var parsed = _filters.Select(f => ScimFilter.Parse(f)).ToArray();
        _groupFilters = [parsed[2], parsed[3]];
        _userFilters = [.. parsed.Where((_, i) => i is not 2 and not 3)];
    }

    /// <summary>Parses the whole set; reported per filter.</summary>
    [Benchmark(OperationsPerInvoke = 10)]
    public int ParseSet()
    {
        var count = 0;
        foreach (var filter in _filters)
        {
            count += ScimFilter.Parse(filter) is ComparisonNode ? 1 : 2;
        }

        return count;
    }

    /// <summary>Evaluates each parsed filter against the user or group it addresses; reported per filter.</summary>
    [Benchmark(OperationsPerInvoke = 10)]
    public int EvaluateSet()
    {
        var matches = 0;
        foreach (var filter in _userFilters)
        {
            matches += _userEvaluator.Matches(filter, _user) ? 1 : 0;
        }

        foreach (var filter in _groupFilters)
        {
            matches += _groupEvaluator.Matches(filter, _group) ? 1 : 0;
        }

        return matches;
    }
}
