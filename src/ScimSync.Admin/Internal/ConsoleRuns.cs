// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ScimSync.Admin.Internal;

/// <summary>
/// Runs an operator started (a directory sync, an Atlassian reconciliation) in the background, so they outlive the
/// request that started them, and remembers each one's last outcome for the page.
/// </summary>
internal sealed class ConsoleRuns(IHostApplicationLifetime lifetime, TimeProvider time, ILogger<ConsoleRuns> logger)
{
    private readonly ConcurrentDictionary<string, ConsoleRun> _runs = new(StringComparer.OrdinalIgnoreCase);

    public ConsoleRun? Find(string key) => _runs.GetValueOrDefault(key);

    /// <summary>Starts a run unless one with that key is still going.</summary>
    /// <returns><see langword="false"/> when one is still running.</returns>
    public bool TryStart(string key, string @operator, Func<CancellationToken, Task<object>> run)
    {
        var started = new ConsoleRun(@operator, time.GetUtcNow());
        while (true)
        {
            if (_runs.TryGetValue(key, out var current))
            {
                if (current.Finished is null)
                {
                    return false;
                }

                if (!_runs.TryUpdate(key, started, current))
                {
                    continue;
                }
            }
            else if (!_runs.TryAdd(key, started))
            {
                continue;
            }

            break;
        }

        Log.ActionRun(logger, @operator, "run", key);
        _ = Task.Run(async () =>
        {
            try
            {
                var result = await run(lifetime.ApplicationStopping).ConfigureAwait(false);
                _runs[key] = started with { Finished = time.GetUtcNow(), Result = result };
            }
            catch (Exception e)
            {
                _runs[key] = started with { Finished = time.GetUtcNow(), Error = e is OperationCanceledException ? "Cancelled: the host is stopping." : e.Message };
            }
        });
        return true;
    }
}

/// <summary>A run the console started: who, when, and how it ended (<see cref="Finished"/> is null while it runs).</summary>
internal sealed record ConsoleRun(string Operator, DateTimeOffset Started)
{
    public DateTimeOffset? Finished { get; init; }

    public object? Result { get; init; }

    public string? Error { get; init; }
}
