// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.EntityFrameworkCore;

namespace ScimSync.Samples.EfCore.Data;

/// <summary>Creates the sample's tables. A real application has them already, from its own migrations.</summary>
internal static class AppDatabase
{
    public static async Task InitializeAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);

        // WAL lets readers run while one writer commits; it is a property of the file, so set it once.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        await db.Database.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
    }
}
