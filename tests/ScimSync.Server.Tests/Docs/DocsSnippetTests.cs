// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.RegularExpressions;

namespace ScimSync.Server.Tests.Docs;

/// <summary>
/// Every C# block in docs/ is a copy of a <c>#region</c> of a compiled file, named on the line before it as
/// <c>&lt;!-- snippet: path/File.cs#region-name --&gt;</c>; the block must equal the region (indentation removed), so a
/// doc cannot drift from the code. The regions are compiled with their projects and most are run by tests.
/// </summary>
public sealed partial class DocsSnippetTests
{
    // docs/policies.md predates this rule: its examples are read and run by PolicyDocsExampleTests.
    private static readonly string[] s_exempt = ["policies.md"];

    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        var docs = Path.Combine(RepositoryRoot(), "docs");
        foreach (var file in Directory.EnumerateFiles(docs, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(docs, file).Replace('\\', '/');
            if (!s_exempt.Contains(relative, StringComparer.Ordinal))
            {
                data.Add(relative);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void CSharpBlocks_InDocs_MatchTheirCompiledRegions(string document)
    {
        var root = RepositoryRoot();
        var lines = File.ReadAllLines(Path.Combine(root, "docs", document));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() is not ("```csharp" or "```cs" or "```c#"))
            {
                continue;
            }

            var marker = i > 0 ? SnippetMarker().Match(lines[i - 1]) : Match.Empty;
            Assert.True(marker.Success, $"docs/{document}:{i + 1}: a C# block needs '<!-- snippet: path/File.cs#region -->' on the line before it.");
            var end = Array.FindIndex(lines, i + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
            Assert.True(end > i, $"docs/{document}:{i + 1}: the C# block is not closed.");

            var expected = Region(root, marker.Groups["path"].Value, marker.Groups["region"].Value);
            var actual = Dedent(lines[(i + 1)..end]);
            Assert.True(
                expected.SequenceEqual(actual, StringComparer.Ordinal),
                $"docs/{document}:{i + 1} differs from {marker.Groups["path"].Value}#{marker.Groups["region"].Value}. Copy the region into the doc:\n{string.Join('\n', expected)}");
            i = end;
        }
    }

    [Fact]
    public void Documents_AreFound()
    {
        IEnumerable<object[]> rows = Documents();
        Assert.Contains("getting-started.md", rows.Select(row => (string)row[0]));
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ScimSync.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return directory.FullName;
    }

    private static string[] Region(string root, string path, string name)
    {
        var file = Path.Combine(root, path);
        Assert.True(File.Exists(file), $"The snippet source {path} does not exist.");
        var lines = File.ReadAllLines(file);
        var start = Array.FindIndex(lines, l => l.Trim() == "#region " + name);
        Assert.True(start >= 0, $"{path} has no '#region {name}'.");
        var end = Array.FindIndex(lines, start + 1, l => l.Trim().StartsWith("#endregion", StringComparison.Ordinal));
        Assert.True(end > start, $"{path}: '#region {name}' is not closed.");
        return Dedent(lines[(start + 1)..end]);
    }

    private static string[] Dedent(string[] lines)
    {
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return [.. lines.Select(l => l.Trim().Length == 0 ? string.Empty : l[indent..].TrimEnd())];
    }

    [GeneratedRegex(@"^\s*<!--\s*snippet:\s*(?<path>[^#\s]+)#(?<region>[\w-]+)\s*-->\s*$")]
    private static partial Regex SnippetMarker();
}
