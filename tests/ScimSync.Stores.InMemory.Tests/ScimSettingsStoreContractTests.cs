// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Stores;
using Xunit;

namespace ScimSync.Conformance;

/// <summary>
/// The behaviour every <see cref="IScimSettingsStore"/> must show. Subclass it, return a fresh, empty store from
/// <see cref="CreateStoreAsync"/>, and xunit runs every inherited test against it.
/// </summary>
/// <remarks>
/// One source file compiled into each store's test project (the in-memory, SQLite and PostgreSQL ones link it), in the
/// manner of <see cref="ScimStoreConformanceTests"/>; it belongs in <c>ScimSync.Conformance</c> once that package
/// ships a settings suite.
/// </remarks>
public abstract class ScimSettingsStoreContractTests : IAsyncLifetime
{
    private IScimSettingsStore? _store;

    /// <summary>Gets the store under test.</summary>
    protected IScimSettingsStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    private static CancellationToken None => CancellationToken.None;

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ReadAllAsync_NewStore_IsEmpty() => Assert.Empty(await Store.ReadAllAsync(None));

    [Fact]
    public async Task WriteAsync_NewKeyWithVersionZero_CreatesVersionOneAndReadsBack()
    {
        const string Value = """{"name":"Entra ID","note":"Zoë – 東京"}""";

        var version = await Store.WriteAsync("connections/entra", Value, 0, None);

        Assert.Equal(1, version);
        var setting = Assert.Single(await Store.ReadAllAsync(None));
        Assert.Equal(new ScimSetting("connections/entra", Value, 1), setting);
    }

    [Fact]
    public async Task WriteAsync_RightVersion_ReplacesValueAndIncrementsVersion()
    {
        await Store.WriteAsync("k", "v1", 0, None);

        Assert.Equal(2, await Store.WriteAsync("k", "v2", 1, None));
        Assert.Equal(3, await Store.WriteAsync("k", "v3", 2, None));

        Assert.Equal(new ScimSetting("k", "v3", 3), Assert.Single(await Store.ReadAllAsync(None)));
    }

    [Fact]
    public async Task WriteAsync_WrongVersion_ReturnsNullAndChangesNothing()
    {
        await Store.WriteAsync("k", "v1", 0, None);
        await Store.WriteAsync("k", "v2", 1, None);

        Assert.Null(await Store.WriteAsync("k", "stale", 1, None));
        Assert.Null(await Store.WriteAsync("k", "future", 3, None));

        Assert.Equal(new ScimSetting("k", "v2", 2), Assert.Single(await Store.ReadAllAsync(None)));
    }

    [Fact]
    public async Task WriteAsync_VersionZeroOnExistingKey_ReturnsNullAndChangesNothing()
    {
        await Store.WriteAsync("k", "first", 0, None);

        Assert.Null(await Store.WriteAsync("k", "second", 0, None));

        Assert.Equal(new ScimSetting("k", "first", 1), Assert.Single(await Store.ReadAllAsync(None)));
    }

    [Fact]
    public async Task WriteAsync_NonZeroVersionOnMissingKey_ReturnsNullAndCreatesNothing()
    {
        Assert.Null(await Store.WriteAsync("missing", "v", 1, None));

        Assert.Empty(await Store.ReadAllAsync(None));
    }

    [Fact]
    public async Task WriteAsync_KeysDifferingInCase_AreSeparateDocuments()
    {
        Assert.Equal(1, await Store.WriteAsync("Key", "upper", 0, None));
        Assert.Equal(1, await Store.WriteAsync("key", "lower", 0, None));
        Assert.Equal(1, await Store.WriteAsync("other", "x", 0, None));

        var all = (await Store.ReadAllAsync(None)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        Assert.Equal([new ScimSetting("Key", "upper", 1), new ScimSetting("key", "lower", 1), new ScimSetting("other", "x", 1)], all);
    }

    [Fact]
    public async Task WriteAsync_LargeValueAndLongestKey_RoundTrip()
    {
        var key = new string('k', 200);
        var value = "{\"blob\":\"" + string.Concat(Enumerable.Repeat("ä€😀x", 5_000)) + "\"}";

        Assert.Equal(1, await Store.WriteAsync(key, value, 0, None));

        Assert.Equal(new ScimSetting(key, value, 1), Assert.Single(await Store.ReadAllAsync(None)));
    }

    [Fact]
    public async Task DeleteAsync_RightVersion_DeletesAndTheKeyStartsAgainAtVersionOne()
    {
        await Store.WriteAsync("k", "v1", 0, None);
        await Store.WriteAsync("k", "v2", 1, None);
        await Store.WriteAsync("kept", "v", 0, None);

        Assert.True(await Store.DeleteAsync("k", 2, None));

        Assert.Equal(new ScimSetting("kept", "v", 1), Assert.Single(await Store.ReadAllAsync(None)));
        Assert.False(await Store.DeleteAsync("k", 2, None));
        Assert.Null(await Store.WriteAsync("k", "again", 2, None));
        Assert.Equal(1, await Store.WriteAsync("k", "again", 0, None));
    }

    [Fact]
    public async Task DeleteAsync_WrongVersionOrMissingKey_ReturnsFalseAndChangesNothing()
    {
        await Store.WriteAsync("k", "v1", 0, None);

        Assert.False(await Store.DeleteAsync("k", 2, None));
        Assert.False(await Store.DeleteAsync("k", 0, None));
        Assert.False(await Store.DeleteAsync("missing", 1, None));

        Assert.Equal(new ScimSetting("k", "v1", 1), Assert.Single(await Store.ReadAllAsync(None)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(201)]
    [InlineData(1000)]
    public async Task WriteAndDelete_KeyLengthOutOfRange_ThrowArgumentException(int length)
    {
        var key = new string('k', length);

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.WriteAsync(key, "v", 0, None));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.DeleteAsync(key, 1, None));

        Assert.Empty(await Store.ReadAllAsync(None));
    }

    [Fact]
    public async Task WriteAndDelete_NullKey_ThrowArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.WriteAsync(null!, "v", 0, None));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.DeleteAsync(null!, 1, None));
    }

    [Fact]
    public async Task WriteAsync_NegativeExpectedVersion_ThrowsArgumentExceptionAndWritesNothing()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.WriteAsync("k", "v", -1, None));

        Assert.Empty(await Store.ReadAllAsync(None));
    }

    [Fact]
    public async Task AnotherInstance_SeesEveryCommittedDocument()
    {
        await Store.WriteAsync("a", "a1", 0, None);
        await Store.WriteAsync("a", "a2", 1, None);
        await Store.WriteAsync("b", "b1", 0, None);
        await Store.WriteAsync("gone", "x", 0, None);
        await Store.DeleteAsync("gone", 1, None);

        var other = await OpenAnotherInstanceAsync();
        if (other is null)
        {
            // The store keeps nothing outside its own instance (in memory): there is nothing to reopen.
            return;
        }

        var all = (await other.ReadAllAsync(None)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        Assert.Equal([new ScimSetting("a", "a2", 2), new ScimSetting("b", "b1", 1)], all);
        Assert.Equal(3, await other.WriteAsync("a", "a3", 2, None));
        Assert.Null(await Store.WriteAsync("a", "stale", 2, None));
    }

    [Fact]
    public async Task WriteAsync_ConcurrentWritersWithTheSameVersion_ExactlyOneWins()
    {
        await Store.WriteAsync("k", "v1", 0, None);
        var stores = await WritersAsync();

        var results = await RaceAsync(stores, 16, (store, i) => store.WriteAsync("k", "writer " + i, 1, None));

        var winner = Assert.Single(results, r => r.Result is not null);
        Assert.Equal(2, winner.Result);
        Assert.Equal(new ScimSetting("k", "writer " + winner.Index, 2), Assert.Single(await Store.ReadAllAsync(None)));
    }

    [Fact]
    public async Task WriteAsync_ConcurrentCreatesOfOneKey_ExactlyOneWins()
    {
        var stores = await WritersAsync();

        var results = await RaceAsync(stores, 16, (store, i) => store.WriteAsync("new", "writer " + i, 0, None));

        var winner = Assert.Single(results, r => r.Result is not null);
        Assert.Equal(1, winner.Result);
        Assert.Equal(new ScimSetting("new", "writer " + winner.Index, 1), Assert.Single(await Store.ReadAllAsync(None)));
    }

    [Fact]
    public async Task DeleteAsync_ConcurrentDeletesAndWritesWithTheSameVersion_ExactlyOneWins()
    {
        await Store.WriteAsync("k", "v1", 0, None);
        var stores = await WritersAsync();

        var results = await RaceAsync(stores, 16, async (store, i) => i % 2 == 0
            ? (await store.DeleteAsync("k", 1, None) ? 0L : null)
            : await store.WriteAsync("k", "writer " + i, 1, None));

        var winner = Assert.Single(results, r => r.Result is not null);
        var remaining = await Store.ReadAllAsync(None);
        if (winner.Index % 2 == 0)
        {
            Assert.Empty(remaining);
        }
        else
        {
            Assert.Equal(new ScimSetting("k", "writer " + winner.Index, 2), Assert.Single(remaining));
        }
    }

    /// <summary>Creates the store under test, fresh and empty.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<IScimSettingsStore> CreateStoreAsync();

    /// <summary>
    /// Opens a second store over the data of <see cref="Store"/>, as another host instance or a restarted process
    /// would (new connections, nothing cached), or returns <see langword="null"/> when the store keeps nothing outside
    /// its own instance; the reopening test then passes without running and races use <see cref="Store"/> alone.
    /// </summary>
    /// <returns>The second store, or <see langword="null"/>.</returns>
    protected virtual Task<IScimSettingsStore?> OpenAnotherInstanceAsync() => Task.FromResult<IScimSettingsStore?>(null);

    private static async Task<List<(int Index, long? Result)>> RaceAsync(
        IReadOnlyList<IScimSettingsStore> stores, int writers, Func<IScimSettingsStore, int, ValueTask<long?>> write)
    {
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return (i, await write(stores[i % stores.Count], i).ConfigureAwait(false));
        })).ToList();
        start.Set();
        return [.. await Task.WhenAll(tasks).ConfigureAwait(false)];
    }

    private async Task<IReadOnlyList<IScimSettingsStore>> WritersAsync() =>
        await OpenAnotherInstanceAsync().ConfigureAwait(false) is { } other ? [Store, other] : [Store];
}
