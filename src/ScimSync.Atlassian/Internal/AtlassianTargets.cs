// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScimSync.Atlassian.Products;
using ScimSync.Atlassian.State;

namespace ScimSync.Atlassian.Internal;

/// <summary>A registered target's name.</summary>
internal sealed record AtlassianTargetRegistration(string Name);

/// <summary>Creates a product client over an <see cref="HttpClient"/> configured for the target.</summary>
internal delegate AtlassianProductClient AtlassianClientFactory(string target, AtlassianProduct product);

/// <summary>The configured targets: their options (current), a fresh product client per use, shared state and signals.</summary>
internal sealed class AtlassianTargets
{
    private readonly IOptionsMonitor<AtlassianTargetOptions> _options;
    private readonly AtlassianClientFactory _clients;
    private readonly IAtlassianTargetState _state;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _signals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _knownGroups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, System.Runtime.CompilerServices.StrongBox<bool>> _cannotRename = new(StringComparer.Ordinal);

    public AtlassianTargets(
        IEnumerable<AtlassianTargetRegistration> registrations,
        IOptionsMonitor<AtlassianTargetOptions> options,
        AtlassianClientFactory clients,
        IAtlassianTargetState state,
        ILoggerFactory loggerFactory)
    {
        Names = [.. registrations.Select(r => r.Name).Distinct(StringComparer.Ordinal)];
        _options = options;
        _clients = clients;
        _state = state;
        _logger = loggerFactory.CreateLogger("ScimSync.Atlassian");
    }

    public string[] Names { get; }

    /// <summary>The targets of a directory (for group writes: those that write ScimSync's groups).</summary>
    public string[] ForDirectory(string directory, bool groups = false) =>
        [.. Names.Where(n => _options.Get(n) is var o && string.Equals(o.Directory, directory, StringComparison.Ordinal) && (!groups || o.WriteScimGroups))];

    public bool Contains(string name) => Names.Contains(name, StringComparer.Ordinal);

    public AtlassianTarget Get(string name)
    {
        var options = _options.Get(name);
        return new AtlassianTarget(name, options, _clients(name, options.Product), _state, _logger)
        {
            OutboxSignal = _signals.GetOrAdd(name, _ => new SemaphoreSlim(0, int.MaxValue)),
            KnownGroups = _knownGroups.GetOrAdd(name, _ => new ConcurrentDictionary<string, bool>(StringComparer.OrdinalIgnoreCase)),
            CannotRename = _cannotRename.GetOrAdd(name, _ => new System.Runtime.CompilerServices.StrongBox<bool>()),
        };
    }

    /// <summary>The lock that keeps one reconciliation at a time per target.</summary>
    public SemaphoreSlim RunGate(string name) => _runs.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
}
