// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Atlassian.Confluence;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.Confluence;

/// <summary>How <see cref="ConfluenceClient"/> reports a refused token and an unavailable Confluence (refusals: <see cref="ConfluenceClientTests"/>).</summary>
public sealed class ConfluenceClientErrorTests : ProductClientErrorTests
{
    protected override string DefaultGroup => "confluence-users";

    protected override EmulatedProduct Product(AtlassianEmulator emulator) => emulator.Confluence;

    protected override IReadOnlyList<string> GroupNames(AtlassianEmulator emulator) => emulator.Confluence.GroupNames;

    protected override AtlassianProductClient CreateClient(HttpClient http) => new ConfluenceClient(http);
}
