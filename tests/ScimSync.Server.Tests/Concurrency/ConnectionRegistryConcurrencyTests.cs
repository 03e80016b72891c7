// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ScimSync.Policies;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Tests.Concurrency;

/// <summary>The connections are built on first use; the first requests of a fresh host arrive together.</summary>
public sealed class ConnectionRegistryConcurrencyTests
{
    [Fact]
    public async Task FirstUseFromManyThreadsAtOnce_BuildsTheConnectionsWithTheirCustomSchemaOnce()
    {
        // Before the fix, two first requests could both find the custom schema missing and the second one's
        // registration threw: a 500 on a fresh host under load. Many rounds, all threads released together.
        const int Threads = 8;
        for (var round = 0; round < 40; round++)
        {
            var services = new ServiceCollection()
                .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
                .AddScimProvisioning(s => s.AddConnection("entra", c => c
                    .UseBearerToken(ScimTestHost.Token)
                    .UsePolicies(p => p.AttributeMapping.CustomAttributes["department"] = new AttributeSource { Constant = "sales" })));
            await using var provider = services.BuildServiceProvider();
            var registry = provider.GetRequiredService<ScimConnectionRegistry>();
            using var start = new Barrier(Threads);

            var found = await Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait(CancellationToken.None);
                    return registry.TryGet("entra", out var connection) ? connection : null;
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)));

            Assert.All(found, Assert.NotNull);
            Assert.Single(found.Distinct());
            Assert.NotNull(provider.GetRequiredService<ScimSync.Schema.ScimSchemaRegistry>().FindSchema(AttributeMappingOptions.DefaultCustomSchema));
        }
    }
}
