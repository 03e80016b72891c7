// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Samples.EfCore.Data;
using ScimSync.Samples.EfCore.Scim;
using ScimSync.Stores;

namespace ScimSync.Samples.EfCore.Tests;

/// <summary>A fresh SQLite file with the application's tables, and the sample's stores over it.</summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestDatabase(string path, ServiceProvider services)
    {
        FilePath = path;
        _services = services;
    }

    public string FilePath { get; }

    // No pooling, so the file can be deleted when the test ends.
    public string ConnectionString => $"Data Source={FilePath};Pooling=False";

    public EmployeeUserStore Users => _services.GetRequiredService<EmployeeUserStore>();

    public TeamGroupStore Groups => _services.GetRequiredService<TeamGroupStore>();

    public IDbContextFactory<AppDbContext> Contexts => _services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    public static string NewPath() => Path.Combine(Path.GetTempPath(), $"scimsync-efcore-{Guid.NewGuid():N}.db");

    public static async Task<TestDatabase> CreateAsync(int maxScannedRows = 1000)
    {
        var path = NewPath();
        var services = new ServiceCollection()
            .AddDbContextFactory<AppDbContext>(o => o.UseSqlite($"Data Source={path};Pooling=False"))
            .AddSingleton(TimeProvider.System)
            .Configure<ScimTablesOptions>(o => o.MaxScannedRows = maxScannedRows)
            .AddSingleton<EmployeeUserStore>()
            .AddSingleton<TeamGroupStore>()
            .BuildServiceProvider();
        await AppDatabase.InitializeAsync(services);
        return new TestDatabase(path, services);
    }

    public static void DeleteFiles(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        DeleteFiles(FilePath);
    }

    /// <summary>The sample's stores as the single directory they are.</summary>
    public sealed class Provider(TestDatabase database, string served) : IScimStoreProvider
    {
        public TestDatabase Database { get; } = database;

        public IUserStore GetUserStore(string directory) => Serves(directory) ? Database.Users : throw new ArgumentException("One directory only.", nameof(directory));

        public IGroupStore GetGroupStore(string directory) => Serves(directory) ? Database.Groups : throw new ArgumentException("One directory only.", nameof(directory));

        private bool Serves(string directory) => string.Equals(directory, served, StringComparison.Ordinal);
    }
}
