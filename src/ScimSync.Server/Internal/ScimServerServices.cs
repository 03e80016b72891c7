// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScimSync.Filtering;
using ScimSync.Patching;
using ScimSync.Schema;
using ScimSync.Serialization;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>The per-resource-type machinery an endpoint needs: schema, reader and store.</summary>
internal sealed class ScimResourceHandler
{
    private readonly Func<IServiceProvider, IResourceStore> _store;

    public ScimResourceHandler(ScimResourceTypeDefinition type, ScimCompatibility compatibility, Func<IServiceProvider, IResourceStore> store, bool isGroup)
    {
        Type = type;
        Reader = new ScimResourceReader(type, new ScimReaderOptions { Compatibility = compatibility });
        PatchOptions = new ScimPatchOptions { Compatibility = compatibility };
        PatchEngine = new ScimPatchEngine(type, PatchOptions);
        Evaluator = new ScimFilterEvaluator(type);
        _store = store;
        IsGroup = isGroup;
    }

    public ScimResourceTypeDefinition Type { get; }

    public ScimResourceReader Reader { get; }

    public ScimFilterEvaluator Evaluator { get; }

    public ScimPatchOptions PatchOptions { get; }

    public ScimPatchEngine PatchEngine { get; }

    public bool IsGroup { get; }

    public IResourceStore GetStore(IServiceProvider services) => _store(services);
}

/// <summary>
/// Shared services of the endpoints, built once from the registry and the options in force at the first request
/// (a later change of <see cref="ScimServerOptions.Compatibility"/> needs a restart).
/// </summary>
internal sealed class ScimServerServices
{
    private readonly Lazy<(ScimResourceHandler Users, ScimResourceHandler Groups)> _handlers;

    public ScimServerServices(ScimSchemaRegistry registry, IOptionsMonitor<ScimServerOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        Registry = registry;
        Options = options;
        TimeProvider = timeProvider;
        Logger = loggerFactory.CreateLogger("ScimSync.Server");

        // Built on first use, after the host registered its extensions on the registry.
        _handlers = new(() =>
        {
            var compatibility = Options.CurrentValue.Compatibility;
            return (
                new ScimResourceHandler(registry.User, compatibility, sp => StoreProvider(sp).GetUserStore(DefaultDirectory), isGroup: false),
                new ScimResourceHandler(registry.Group, compatibility, sp => StoreProvider(sp).GetGroupStore(DefaultDirectory), isGroup: true));
        });
    }

    /// <summary>The directory every request uses until connections choose their own.</summary>
    public const string DefaultDirectory = "default";

    public ScimSchemaRegistry Registry { get; }

    /// <summary>The store package's provider, or one over the host's own single-directory stores.</summary>
    private static IScimStoreProvider StoreProvider(IServiceProvider services) =>
        services.GetService<IScimStoreProvider>() ?? new SingleDirectoryStoreProvider(services);

    public IOptionsMonitor<ScimServerOptions> Options { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public ScimResourceHandler Users => _handlers.Value.Users;

    public ScimResourceHandler Groups => _handlers.Value.Groups;
}

/// <summary>Serves the host's own <see cref="IUserStore"/> and <see cref="IGroupStore"/> as one directory.</summary>
internal sealed class SingleDirectoryStoreProvider(IServiceProvider services) : IScimStoreProvider
{
    public IUserStore GetUserStore(string directory) => services.GetRequiredService<IUserStore>();

    public IGroupStore GetGroupStore(string directory) => services.GetRequiredService<IGroupStore>();
}
