// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Conformance;
using ScimSync.Stores;

namespace ScimSync.Samples.EfCore.Tests;

#region store-conformance
/// <summary>The store conformance kit over the sample's <c>EmployeeUserStore</c> and <c>TeamGroupStore</c>.</summary>
public sealed class EfCoreStoreConformanceTests : ScimStoreConformanceTests
{
    /// <summary>The stores map one application database: one directory, nothing to isolate.</summary>
    protected override bool SupportsDirectories => false;

    protected override async Task<IScimStoreProvider> CreateProviderAsync() =>
        new TestDatabase.Provider(await TestDatabase.CreateAsync(), DirectoryA);

    protected override async Task DisposeProviderAsync(IScimStoreProvider provider) =>
        await ((TestDatabase.Provider)provider).Database.DisposeAsync();
}
#endregion
