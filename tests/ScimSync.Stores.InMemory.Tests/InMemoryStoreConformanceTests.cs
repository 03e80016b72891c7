// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Conformance;

namespace ScimSync.Stores.InMemory.Tests;

/// <summary>Runs the store conformance suite against the in-memory store.</summary>
public sealed class InMemoryStoreConformanceTests : ScimStoreConformanceTests
{
    protected override Task<IScimStoreProvider> CreateProviderAsync() =>
        Task.FromResult<IScimStoreProvider>(new InMemoryScimStoreProvider());
}
