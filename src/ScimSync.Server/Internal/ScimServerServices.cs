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

/// <summary>Shared services of the endpoints.</summary>
internal sealed class ScimServerServices(
    ScimSchemaRegistry registry,
    IOptionsMonitor<ScimServerOptions> options,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    IEnumerable<IScimStoreDecorator> storeDecorators)
{
    /// <summary>Gets the store decorators, in registration order.</summary>
    public IScimStoreDecorator[] StoreDecorators { get; } = [.. storeDecorators];

    public ScimSchemaRegistry Registry { get; } = registry;

    public IOptionsMonitor<ScimServerOptions> Options { get; } = options;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("ScimSync.Server");
}

/// <summary>Serves the host's own <see cref="IUserStore"/> and <see cref="IGroupStore"/> as one directory.</summary>
internal sealed class SingleDirectoryStoreProvider(IServiceProvider services) : IScimStoreProvider
{
    public IUserStore GetUserStore(string directory) => services.GetRequiredService<IUserStore>();

    public IGroupStore GetGroupStore(string directory) => services.GetRequiredService<IGroupStore>();
}
