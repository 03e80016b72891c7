// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScimSync.Provisioning;

namespace ScimSync.Server.Internal;

/// <summary>
/// Queues provisioning log entries in a bounded channel and appends them from one background task, so the log never
/// fails a SCIM request and costs it only an enqueue. A full queue drops the entry (counted and logged) instead of
/// waiting; shutdown drains the queue. An entry still queued when the process dies is lost; the change is not.
/// </summary>
internal sealed class ProvisioningLogWriter : IHostedService, IAsyncDisposable
{
    /// <summary>The most entries one append carries.</summary>
    public const int MaxBatchSize = 256;

    private static readonly TimeSpan MaxBatchWindow = TimeSpan.FromSeconds(10);

    private readonly Channel<ProvisioningLogEntry> _channel;
    private readonly IProvisioningLog _log;
    private readonly ScimInstrumentation _instrumentation;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private readonly TimeSpan _batchWindow;
    private long _enqueued;
    private long _processed;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProvisioningLogWriter(IProvisioningLog log, IOptions<ScimProvisioningLogOptions> options, ScimInstrumentation instrumentation, ILogger<ProvisioningLogWriter> logger)
    {
        _log = log;
        _instrumentation = instrumentation;
        _logger = logger;
        Options = options.Value;
        _batchWindow = Options.BatchWindow > MaxBatchWindow ? MaxBatchWindow : Options.BatchWindow;
        _channel = Channel.CreateBounded<ProvisioningLogEntry>(new BoundedChannelOptions(Math.Max(1, Options.QueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    public ScimProvisioningLogOptions Options { get; }

    /// <summary>Queues an entry without waiting; a full queue drops it.</summary>
    public void Enqueue(ProvisioningLogEntry entry)
    {
        if (!Options.Enabled)
        {
            return;
        }

        Interlocked.Increment(ref _enqueued);
        if (!_channel.Writer.TryWrite(entry))
        {
            Interlocked.Decrement(ref _enqueued);
            _instrumentation.LogFailures.Add(1, new KeyValuePair<string, object?>(ScimTelemetry.ConnectionTag, entry.Connection));
            Log.ProvisioningLogDropped(_logger, entry.Connection, entry.Operation);
        }
    }

    /// <summary>Waits until every entry queued so far has been handed to the log (for tests and shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _enqueued);
        while (Interlocked.Read(ref _processed) < target && !_loop.IsCompleted)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (Interlocked.Read(ref _processed) >= target)
            {
                break;
            }

            await progress.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Writes what is queued, within the host's shutdown timeout. The queue stays open: the web server, stopped
    /// after this service, may still finish requests; <see cref="DisposeAsync"/> closes and drains it.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The shutdown timeout won; disposal still drains what it can.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        // What is queued when the loop wakes is written together: every change adds an entry, and a log that commits
        // each one on its own (the SQLite log did) spends a transaction per SCIM write.
        var batch = new List<ProvisioningLogEntry>(MaxBatchSize);
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (_batchWindow > TimeSpan.Zero && reader.Count < MaxBatchSize)
            {
                // Let the burst the first entry belongs to arrive: under load one commit then carries many entries
                // instead of one or two.
                await Task.Delay(_batchWindow).ConfigureAwait(false);
            }

            batch.Clear();
            while (batch.Count < MaxBatchSize && reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            await AppendAsync(batch).ConfigureAwait(false);
            Interlocked.Add(ref _processed, batch.Count);
            Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        _progress.TrySetResult();
    }

    private async Task AppendAsync(List<ProvisioningLogEntry> batch)
    {
        if (batch.Count > 1)
        {
            try
            {
                // A copy: the log may keep what it is given, and this list is reused for the next batch.
                await _log.AppendRangeAsync([.. batch], CancellationToken.None).ConfigureAwait(false);
                return;
            }
#pragma warning disable CA1031 // One entry the log refuses must not cost the others: they are retried one at a time.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.ProvisioningLogBatchFailed(_logger, e, batch.Count);
            }
        }

        foreach (var entry in batch)
        {
            try
            {
                await _log.AppendAsync(entry, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failing log must not stop the writer: the failure is logged and counted.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _instrumentation.LogFailures.Add(1, new KeyValuePair<string, object?>(ScimTelemetry.ConnectionTag, entry.Connection));
                Log.ProvisioningLogWriteFailed(_logger, e, entry.Connection, entry.Operation);
            }
        }
    }
}
