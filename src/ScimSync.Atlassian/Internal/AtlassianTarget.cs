// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;
using ScimSync.Atlassian.Products;
using ScimSync.Atlassian.State;

namespace ScimSync.Atlassian.Internal;

/// <summary>One configured target at run time: its options, its product client and its durable state.</summary>
internal sealed class AtlassianTarget(string name, AtlassianTargetOptions options, AtlassianProductClient client, IAtlassianTargetState state, ILogger logger)
{
    public string Name { get; } = name;

    public AtlassianTargetOptions Options { get; } = options;

    public AtlassianProductClient Client { get; } = client;

    public IAtlassianTargetState State { get; } = state;

    public ILogger Logger { get; } = logger;

    public string Directory { get; } = options.Directory!;

    /// <summary>Gets the signal that tells the outbox worker entries are waiting (shared by every instance of the target).</summary>
    public required SemaphoreSlim OutboxSignal { get; init; }

    /// <summary>
    /// Gets the product groups known to exist (shared by every instance of the target), so that the default groups
    /// are not re-created on every user write; an add that finds a group gone evicts it.
    /// </summary>
    public required System.Collections.Concurrent.ConcurrentDictionary<string, bool> KnownGroups { get; init; }

    /// <summary>
    /// Gets whether the product turned out unable to rename users (shared by every instance of the target): a new
    /// username is then not an update to try again at every write.
    /// </summary>
    public required System.Runtime.CompilerServices.StrongBox<bool> CannotRename { get; init; }
}
