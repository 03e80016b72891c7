// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScimSync.Stores.PostgreSql.Internal;

namespace ScimSync.Stores.PostgreSql.Tests;

public sealed class RegistrationTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [PostgresFact]
    public async Task UsePostgreSqlStore_RegistersOneProviderServingEveryDirectory()
    {
        var services = new ServiceCollection();
        services.AddScimProvisioning(scim => scim.UsePostgreSqlStore(database.ConnectionString));
        await using var serviceProvider = services.BuildServiceProvider();

        var provider = serviceProvider.GetRequiredService<IScimStoreProvider>();

        Assert.IsType<PostgreSqlStoreProvider>(provider);
        Assert.Same(provider, serviceProvider.GetRequiredService<IScimStoreProvider>());
        Assert.True((await provider.GetUserStore("default").CreateAsync(PostgresDatabaseFixture.User("via-di"), CancellationToken.None)).IsSuccess);
    }

    [Fact]
    public void AddPostgreSqlStore_BadOptions_ReportsEveryProblem()
    {
        var services = new ServiceCollection();
        services.AddScimProvisioning(scim => scim.AddPostgreSqlStore(o =>
        {
            o.MaxScannedResources = 0;
            o.MaxRetries = -1;
        }));
        using var serviceProvider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => serviceProvider.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value);

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("ConnectionString", StringComparison.Ordinal));
    }
}
