// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ScimSync.Patching;
using ScimSync.Schema;

namespace ScimSync.Benchmarks;

/// <summary>
/// PATCH on the shared inputs: the 5-operation Entra ID user PATCH and the 100-member group Add on a 400-member
/// group. The engine changes the resource in place, so each iteration gets fresh copies made in
/// <see cref="IterationSetupAttribute"/> (not measured) and applies the PATCH once to each copy.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 20, invocationCount: 1)]
public class PatchBenchmarks
{
    private const int UserCopies = 2_000;
    private const int GroupCopies = 200;

    private readonly JsonObject[] _users = new JsonObject[UserCopies];
    private readonly JsonObject[] _groups = new JsonObject[GroupCopies];
    private byte[] _userPatchJson = [];
    private byte[] _groupPatchJson = [];
    private JsonObject _userTemplate = new();
    private JsonObject _groupTemplate = new();
    private PatchRequest _userPatch = null!;
    private PatchRequest _groupPatch = null!;
    private ScimPatchEngine _userEngine = null!;
    private ScimPatchEngine _groupEngine = null!;

    [GlobalSetup]
    public void Setup()
    {
        var registry = new ScimSchemaRegistry();
        _userEngine = new ScimPatchEngine(registry.User);
        _groupEngine = new ScimPatchEngine(registry.Group);
        _userTemplate = BenchInputs.Load("patch_target_user.json")["resource"]!.AsObject();
        _groupTemplate = BenchInputs.Load("patch_target_group.json")["resource"]!.AsObject();
        _userPatchJson = JsonSerializer.SerializeToUtf8Bytes(BenchInputs.Load("patch_entra_5op.json")["patch"]);
        _groupPatchJson = JsonSerializer.SerializeToUtf8Bytes(BenchInputs.Load("patch_entra_group_add100.json")["patch"]);
        _userPatch = ScimPatch.Parse(_userPatchJson);
        _groupPatch = ScimPatch.Parse(_groupPatchJson);
    }

    [IterationSetup(Targets = [nameof(ApplyUser5Op), nameof(ParseAndApplyUser5Op)])]
    public void CopyUsers()
    {
        for (var i = 0; i < UserCopies; i++)
        {
            _users[i] = Materialized(_userTemplate);
        }
    }

    [IterationSetup(Target = nameof(ApplyGroupAdd100))]
    public void CopyGroups()
    {
        for (var i = 0; i < GroupCopies; i++)
        {
            _groups[i] = Materialized(_groupTemplate);
        }
    }

    /// <summary>Applies the pre-parsed 5-op PATCH; reported per PATCH.</summary>
    [Benchmark(OperationsPerInvoke = UserCopies)]
    public bool ApplyUser5Op()
    {
        var changed = true;
        foreach (var user in _users)
        {
            changed &= _userEngine.Apply(user, _userPatch).Changed;
        }

        return changed;
    }

    /// <summary>Parses the PATCH body from UTF-8 bytes and applies it; reported per PATCH.</summary>
    [Benchmark(OperationsPerInvoke = UserCopies)]
    public bool ParseAndApplyUser5Op()
    {
        var changed = true;
        foreach (var user in _users)
        {
            changed &= _userEngine.Apply(user, ScimPatch.Parse(_userPatchJson)).Changed;
        }

        return changed;
    }

    /// <summary>Applies the 100-member Add to the 400-member group held as JSON; reported per PATCH.</summary>
    [Benchmark(OperationsPerInvoke = GroupCopies)]
    public bool ApplyGroupAdd100()
    {
        var changed = true;
        foreach (var group in _groups)
        {
            changed &= _groupEngine.Apply(group, _groupPatch).Changed;
        }

        return changed;
    }

    /// <summary>
    /// What a store does instead of loading the group: parse the body and extract the member ids to insert. This
    /// never reads the group, so it costs the same for 400 or 100,000 members.
    /// </summary>
    [Benchmark(OperationsPerInvoke = GroupCopies)]
    public int ParseGroupAdd100MembershipChange()
    {
        var added = 0;
        for (var i = 0; i < GroupCopies; i++)
        {
            if (ScimPatch.TryGetMembershipChange(ScimPatch.Parse(_groupPatchJson), out var change))
            {
                added += change.Added.Count;
            }
        }

        return added;
    }

    // A resource parsed from bytes materialises its nodes lazily; touch every node so the copy looks like one the
    // server has already read and validated.
    private static JsonObject Materialized(JsonObject template)
    {
        var copy = template.DeepClone().AsObject();
        Touch(copy);
        return copy;
    }

    private static void Touch(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var property in obj)
                {
                    Touch(property.Value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Touch(item);
                }

                break;
        }
    }
}
