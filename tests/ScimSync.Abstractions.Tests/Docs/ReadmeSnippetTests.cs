// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;
using ScimSync.Schema;
using ScimSync.Serialization;

namespace ScimSync.Abstractions.Tests.Docs;

/// <summary>
/// The code shown in src/ScimSync.Abstractions/README.md lives here, where it compiles and runs; the test fails
/// when the README's copy drifts from it.
/// </summary>
public sealed class ReadmeSnippetTests
{
    [Fact]
    public void CoreTour_RunsAsDocumented()
    {
        var output = new List<string>();

        // begin-snippet: core-tour
        var registry = new ScimSchemaRegistry();
        var reader = new ScimResourceReader(registry.User);

        // Read a POST body: names are matched ignoring case, readOnly attributes dropped, types checked.
        JsonObject user = reader.Read("""
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
             "USERNAME": "bjensen@example.com", "active": true,
             "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}]}
            """u8, ScimReadMode.Create);

        // Filters: parse once, evaluate against any resource.
        FilterNode filter = ScimFilter.Parse("userName sw \"bjensen\" and emails[type eq \"work\"]");
        bool matches = new ScimFilterEvaluator(registry.User).Matches(filter, user);
        output.Add($"{filter} -> {matches}");

        // PATCH as Microsoft Entra ID sends it: capitalised ops, booleans as strings. All operations or none.
        PatchRequest patch = ScimPatch.Parse("""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [
               {"op": "Replace", "path": "active", "value": "False"},
               {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "barbara@example.com"}]}
            """u8);
        PatchResult result = new ScimPatchEngine(registry.User).Apply(user, patch);
        output.Add($"changed: {string.Join(", ", result.ChangedAttributes)}");

        // Bad input is a SCIM error (status, scimType, detail, position), never another exception.
        if (!ScimFilter.TryParse("userName eq", out _, out ScimError? error))
        {
            output.Add($"{error.Status} {error.ScimType}: {error.Detail}");
        }
        // end-snippet

        Assert.Equal("userName sw \"bjensen\" and emails[type eq \"work\"] -> True", output[0]);
        Assert.StartsWith("changed: ", output[1], StringComparison.Ordinal);
        Assert.Contains("active", output[1], StringComparison.Ordinal);
        Assert.Contains("emails", output[1], StringComparison.Ordinal);
        Assert.False(user["active"]!.GetValue<bool>());
        Assert.Equal("barbara@example.com", (string?)user["emails"]![0]!["value"]);
        Assert.StartsWith("400 invalidFilter: ", output[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_CoreTourSnippet_MatchesCompiledCode()
    {
        var root = RepositoryRoot();
        var snippet = ReadSnippet(Path.Combine(root, "tests", "ScimSync.Abstractions.Tests", "Docs", "ReadmeSnippetTests.cs"), "core-tour");
        var readme = File.ReadAllText(Path.Combine(root, "src", "ScimSync.Abstractions", "README.md"));

        var marker = "<!-- snippet: core-tour -->";
        var start = readme.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md lacks the marker {marker}");
        var codeStart = readme.IndexOf("```csharp\n", start, StringComparison.Ordinal) + "```csharp\n".Length;
        var codeEnd = readme.IndexOf("```", codeStart, StringComparison.Ordinal);
        var inReadme = readme[codeStart..codeEnd];

        Assert.Equal(snippet, Dedent(inReadme));
    }

    // From the test's output folder, not [CallerFilePath]: CI builds are deterministic and map source paths to "/_/".
    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ScimSync.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ScimSync.sln not found above the test output folder.");
    }

    private static string ReadSnippet(string file, string name)
    {
        var lines = File.ReadAllLines(file);
        var begin = Array.FindIndex(lines, l => l.Trim() == $"// begin-snippet: {name}");
        var end = Array.FindIndex(lines, begin + 1, l => l.Trim() == "// end-snippet");
        return Dedent(string.Join('\n', lines[(begin + 1)..end]) + "\n");
    }

    private static string Dedent(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())) + "\n";
    }
}
