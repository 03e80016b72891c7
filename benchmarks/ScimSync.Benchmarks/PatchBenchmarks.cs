// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ScimSync.Patching;
using ScimSync.Schema;

namespace ScimSync.Benchmarks;

/// <summary>
/// PATCH on the shared inputs: the 5-operation Entra ID user PATCH and the 100-member group Add on a 400-member
/// group. The engine changes the resource in place, so every invocation applies the PATCH to a fresh copy; the
/// <c>Copy*</c> rows measure that copy alone, and the PATCH's own cost is the difference.
/// </summary>
[MemoryDiagnoser]
public class PatchBenchmarks
{
    private byte[] _userPatchJson = [];
    private byte[] _groupPatchJson = [];
    private JsonObject _userTemplate = new();
    private JsonObject _groupTemplate = new();
    private PatchRequest _userPatch = null!;
    private PatchRequest _groupPatch = null!;
    private PatchRequest _userPatchOther = null!;
    private JsonObject _materialisedUser = new();
    private bool _flip;
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

        // The same five operations with other values, so that applying the two in turn changes the user every time.
        var other = System.Text.Encoding.UTF8.GetString(_userPatchJson)
            .Replace("Updated", "Other", StringComparison.Ordinal)
            .Replace("Department 7", "Department 9", StringComparison.Ordinal)
            .Replace("\"Five\"", "\"Cinq\"", StringComparison.Ordinal);
        _userPatchOther = ScimPatch.Parse(System.Text.Encoding.UTF8.GetBytes(other));
        _materialisedUser = _userTemplate.DeepClone().AsObject();
        if (!_userEngine.Apply(_materialisedUser, _userPatchOther).Changed || !_userEngine.Apply(_materialisedUser, _userPatch).Changed)
        {
            throw new InvalidOperationException("The two 5-op PATCHes must each change the user.");
        }
    }

    /// <summary>The baseline: a fresh copy of the stored user.</summary>
    [Benchmark]
    public JsonObject CopyUser() => _userTemplate.DeepClone().AsObject();

    /// <summary>A fresh copy plus the pre-parsed 5-op PATCH applied to it.</summary>
    [Benchmark]
    public bool CopyAndApplyUser5Op() => _userEngine.Apply(_userTemplate.DeepClone().AsObject(), _userPatch).Changed;

    /// <summary>
    /// What <see cref="CopyAndApplyUser5Op"/> spends on System.Text.Json alone: a fresh copy with the members the five
    /// operations touch read (the user, <c>name</c>, the work email, the enterprise extension), which builds their
    /// property dictionaries.
    /// </summary>
    [Benchmark]
    public JsonNode? CopyUserAndReadTouchedMembers()
    {
        var user = _userTemplate.DeepClone().AsObject();
        _ = user["displayName"];
        _ = user["name"]!["familyName"];
        _ = user["emails"]![0]!["type"];
        return user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["department"];
    }

    /// <summary>
    /// The engine's own share: the five operations on a user whose members are already built, alternating two value
    /// sets so that every call changes the user.
    /// </summary>
    [Benchmark]
    public bool ApplyUser5OpToBuiltUser()
    {
        _flip = !_flip;
        return _userEngine.Apply(_materialisedUser, _flip ? _userPatchOther : _userPatch).Changed;
    }

    /// <summary>A fresh copy plus the 5-op PATCH parsed from UTF-8 and applied: what a request costs the core.</summary>
    [Benchmark]
    public bool CopyParseAndApplyUser5Op() =>
        _userEngine.Apply(_userTemplate.DeepClone().AsObject(), ScimPatch.Parse(_userPatchJson)).Changed;

    /// <summary>The baseline: a fresh copy of the 400-member group.</summary>
    [Benchmark]
    public JsonObject CopyGroup() => _groupTemplate.DeepClone().AsObject();

    /// <summary>A fresh copy plus the 100-member Add applied to the group held as JSON.</summary>
    [Benchmark]
    public bool CopyAndApplyGroupAdd100() => _groupEngine.Apply(_groupTemplate.DeepClone().AsObject(), _groupPatch).Changed;

    /// <summary>
    /// What a store does instead of loading the group: parse the body and extract the member ids to insert. It
    /// never reads the group, so it costs the same for 400 or 100,000 members.
    /// </summary>
    [Benchmark]
    public int ParseGroupAdd100MembershipChange() =>
        ScimPatch.TryGetMembershipChange(ScimPatch.Parse(_groupPatchJson), out var change) ? change.Added.Count : -1;

    /// <summary>
    /// The same answer from one pass over the UTF-8 body, without building the request: what the server's group
    /// PATCH fast path needs before it falls back to <c>Parse</c>.
    /// </summary>
    [Benchmark]
    public int ReadGroupAdd100MembershipChangeSinglePass() =>
        ScimPatch.TryReadMembershipChange(_groupPatchJson, out var change) ? change.Added.Count : -1;
}
