// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json.Nodes;
using ScimSync.Patching;
using static ScimSync.Abstractions.Tests.Patching.PatchFixtures;

namespace ScimSync.Abstractions.Tests.Patching;

/// <summary>The benchmark inputs (benchmarks/inputs) give the results the benchmarks assume.</summary>
public sealed class ScimPatchBenchmarkInputTests
{
    private static JsonObject Load(string file, string member) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "inputs", file)))![member]!.AsObject();

    private static PatchRequest LoadPatch(string file) =>
        ScimPatch.Parse(Encoding.UTF8.GetBytes(Load(file, "patch").ToJsonString()));

    [Fact]
    public void Apply_Entra5OpOnTargetUser_AppliesAllFive()
    {
        var user = Load("patch_target_user.json", "resource");
        var engine = new ScimPatchEngine(UserType);

        var result = engine.Apply(user, LoadPatch("patch_entra_5op.json"));

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal("Given000005 Family000005 (Updated)", (string?)user["displayName"]);
        Assert.Equal("Family000005-Updated", (string?)user["name"]!["familyName"]);
        Assert.Equal("Given000005", (string?)user["name"]!["givenName"]);
        AssertJsonEqual("""[{"value":"perf.user000005.updated@contoso.example","type":"work","primary":true}]""", user["emails"]);
        Assert.Equal("Department 7", (string?)user[EnterpriseUrn]!["department"]);
        Assert.Equal("Five", (string?)user["nickName"]);
        Assert.Equal(["displayName", "name.familyName", "emails", EnterpriseUrn + ":department", "nickName"], result.ChangedAttributes);
    }

    [Fact]
    public void Apply_Entra5OpTwice_SecondReportsNoChange()
    {
        var user = Load("patch_target_user.json", "resource");
        var engine = new ScimPatchEngine(UserType);
        var request = LoadPatch("patch_entra_5op.json");
        engine.Apply(user, request);
        var afterFirst = user.ToJsonString();

        var second = engine.Apply(user, request);

        Assert.True(second.Succeeded);
        Assert.False(second.Changed);
        Assert.Equal(afterFirst, user.ToJsonString());
    }

    [Fact]
    public void Apply_EntraGroupAdd100OnTargetGroup_Has500Members()
    {
        var group = Load("patch_target_group.json", "resource");
        var engine = new ScimPatchEngine(GroupType);
        var request = LoadPatch("patch_entra_group_add100.json");
        var before = group["members"]!.AsArray().Select(m => (string)m!["value"]!).ToList();

        var result = engine.Apply(group, request);
        var again = engine.Apply(group, request);

        Assert.True(result.Succeeded, result.Error?.ToString());
        var members = group["members"]!.AsArray();
        Assert.Equal(500, members.Count);
        Assert.Equal(500, members.Select(m => (string)m!["value"]!).Distinct().Count());
        Assert.Equal(before, members.Take(400).Select(m => (string)m!["value"]!));
        Assert.Equal(["members"], result.ChangedAttributes);
        Assert.True(again.Succeeded);
        Assert.False(again.Changed);
        Assert.Equal(500, members.Count);
    }

    [Fact]
    public void TryGetMembershipChange_EntraGroupAdd100_Returns100Additions()
    {
        Assert.True(ScimPatch.TryGetMembershipChange(LoadPatch("patch_entra_group_add100.json"), out var change));

        Assert.False(change.ReplacesAll);
        Assert.Equal(100, change.Added.Count);
        Assert.Empty(change.Removed);
    }
}
