// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScimSync.Atlassian.Products;
using ScimSync.Atlassian.State;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Atlassian.Internal;

/// <summary>
/// Drains each target's outbox in order: every entry brings the product in line with the resource as the store holds
/// it now. While the product is unavailable the head entry waits (with backoff, or the product's
/// <c>Retry-After</c>) and nothing behind it overtakes it; an entry the product refuses is set aside (dead letter)
/// and logged, so that one bad user does not stop the others.
/// </summary>
internal sealed class AtlassianOutboxWorker(AtlassianTargets targets, IServiceScopeFactory scopes, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromMinutes(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(targets.Names.Select(name => RunAsync(name, stoppingToken)));

    /// <summary>Processes entries until the outbox is empty or the product is unavailable.</summary>
    /// <returns>How long to wait before the next attempt, or <see langword="null"/> when the outbox is empty.</returns>
    internal static async Task<TimeSpan?> DrainAsync(AtlassianTarget target, IUserStore users, IGroupStore groups, CancellationToken cancellationToken)
    {
        while (true)
        {
            var entries = await target.State.PeekAsync(target.Name, 50, cancellationToken).ConfigureAwait(false);
            if (entries.Count == 0)
            {
                return null;
            }

            foreach (var entry in entries)
            {
                try
                {
                    await ApplyAsync(target, users, groups, entry, cancellationToken).ConfigureAwait(false);
                    await target.State.CompleteAsync(target.Name, entry.Sequence, null, deadLetter: false, cancellationToken).ConfigureAwait(false);
                }
                catch (AtlassianProductException e) when (e.Kind is AtlassianErrorKind.Unavailable or AtlassianErrorKind.Unauthorized)
                {
                    await target.State.CompleteAsync(target.Name, entry.Sequence, e.Message, deadLetter: false, cancellationToken).ConfigureAwait(false);
                    var backoff = TimeSpan.FromSeconds(Math.Min(s_maxBackoff.TotalSeconds, Math.Pow(2, Math.Min(entry.Attempts, 16))));
                    var delay = e.RetryAfter is { } retryAfter && retryAfter > backoff ? retryAfter : backoff;
                    AtlassianLog.OutboxWaiting(target.Logger, target.Name, entry.Sequence, delay, e);
                    return delay;
                }
                catch (AtlassianProductException e)
                {
                    AtlassianLog.OutboxDeadLetter(target.Logger, target.Name, entry.Sequence, entry.Kind, entry.ResourceId, e);
                    await target.State.CompleteAsync(target.Name, entry.Sequence, e.Message, deadLetter: true, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task ApplyAsync(AtlassianTarget target, IUserStore users, IGroupStore groups, AtlassianOutboxEntry entry, CancellationToken cancellationToken)
    {
        var converger = new AtlassianConverger(target, users, groups);
        var sink = new ChangeSink(dryRun: false);
        if (entry.Kind == ScimResourceKind.User)
        {
            var user = await users.GetAsync(entry.ResourceId, includeMembers: false, cancellationToken).ConfigureAwait(false);
            await converger.ConvergeUserAsync(entry.ResourceId, user.IsSuccess ? user.Value!.Resource : null, null, includeGroups: true, sink, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var group = await groups.GetAsync(entry.ResourceId, includeMembers: false, cancellationToken).ConfigureAwait(false);
            await converger.ConvergeGroupAsync(entry.ResourceId, group.IsSuccess ? group.Value!.Resource : null, includeMembers: true, sink, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(string name, CancellationToken stoppingToken)
    {
        var wait = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            var target = targets.Get(name);
            if (wait > TimeSpan.Zero)
            {
                // Waiting for the product: a new entry does not cut the wait short, the order is kept.
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var (users, groups) = StoreAccess.Open(scope.ServiceProvider, target.Directory);
                var next = await DrainAsync(target, users, groups, stoppingToken).ConfigureAwait(false);
                if (next is { } delay)
                {
                    wait = delay;
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                AtlassianLog.OutboxFailed(target.Logger, name, e);
                wait = s_poll;
                continue;
            }

            wait = TimeSpan.Zero;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(s_poll);
            try
            {
                await target.OutboxSignal.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Poll: entries written by another process sharing the state file.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>The stores of a directory as the store package serves them, without any decorator.</summary>
internal static class StoreAccess
{
    public static (IUserStore Users, IGroupStore Groups) Open(IServiceProvider services, string directory)
    {
        if (services.GetService<IScimStoreProvider>() is { } provider)
        {
            return (provider.GetUserStore(directory), provider.GetGroupStore(directory));
        }

        return (services.GetRequiredService<IUserStore>(), services.GetRequiredService<IGroupStore>());
    }
}
