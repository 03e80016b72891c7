// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Atlassian.Bitbucket;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.Bitbucket;

/// <summary>How <see cref="BitbucketClient"/> reports a refused token and an unavailable Bitbucket (refusals: <see cref="BitbucketClientTests"/>).</summary>
public sealed class BitbucketClientErrorTests : ProductClientErrorTests
{
    protected override string DefaultGroup => "stash-users";

    protected override EmulatedProduct Product(AtlassianEmulator emulator) => emulator.Bitbucket;

    protected override IReadOnlyList<string> GroupNames(AtlassianEmulator emulator) => emulator.Bitbucket.GroupNames;

    protected override AtlassianProductClient CreateClient(HttpClient http) => new BitbucketClient(http);
}
