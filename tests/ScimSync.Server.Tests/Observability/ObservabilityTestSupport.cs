// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimSync.Provisioning;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Tests.Observability;

/// <summary>Collects every formatted log message, to prove what never reaches the logs.</summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, EventId EventId, LogLevel Level, string Message)> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CollectingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CollectingLogger(CollectingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Messages.Enqueue((category, eventId, logLevel, formatter(state, exception) + " " + exception));
    }
}

/// <summary>A provisioning log whose writes always fail.</summary>
public sealed class FailingProvisioningLog : IProvisioningLog
{
    public ValueTask AppendAsync(ProvisioningLogEntry entry, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The log is down.");

    public ValueTask<ProvisioningLogPage> QueryAsync(ProvisioningLogQuery query, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new ProvisioningLogPage([], null));
}

internal static class ProvisioningLogTestExtensions
{
    /// <summary>Waits for the background writer, then reads the newest entries.</summary>
    public static async Task<IReadOnlyList<ProvisioningLogEntry>> LogAsync(this ScimTestHost host, ProvisioningLogQuery? query = null)
    {
        await host.Services.GetRequiredService<ProvisioningLogWriter>().FlushAsync();
        var page = await host.Services.GetRequiredService<IProvisioningLog>().QueryAsync(query ?? new ProvisioningLogQuery());
        return page.Entries;
    }
}
