// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Stores;

/// <summary>
/// Wraps the stores the provisioning pipeline writes to, for packages that must act on every write whatever the
/// store (for example writing users through to an Atlassian product before the store commits them). Register as a
/// singleton; decorators apply in registration order, the first registered innermost.
/// </summary>
public interface IScimStoreDecorator
{
    /// <summary>Wraps a store provider.</summary>
    /// <param name="provider">The provider to wrap (the store package's, or an earlier decorator's).</param>
    /// <returns>The provider the pipeline uses instead.</returns>
    IScimStoreProvider Decorate(IScimStoreProvider provider);
}
