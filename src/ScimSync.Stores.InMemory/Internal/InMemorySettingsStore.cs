// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Stores.InMemory.Internal;

/// <summary>
/// Settings documents in memory, for tests, demos and development: nothing survives a restart. One lock makes each
/// check-and-write atomic, so of concurrent writers naming the same version exactly one succeeds.
/// </summary>
internal sealed class InMemorySettingsStore : IScimSettingsStore
{
    private const int MaxKeyLength = 200;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ScimSetting> _settings = new(StringComparer.Ordinal);

    public ValueTask<IReadOnlyList<ScimSetting>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<ScimSetting>>([.. _settings.Values]);
        }
    }

    public ValueTask<long?> WriteAsync(string key, string value, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var current = _settings.TryGetValue(key, out var existing) ? existing.Version : 0;
            if (current != expectedVersion)
            {
                return ValueTask.FromResult<long?>(null);
            }

            _settings[key] = new ScimSetting(key, value, current + 1);
            return ValueTask.FromResult<long?>(current + 1);
        }
    }

    public ValueTask<bool> DeleteAsync(string key, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult(
                _settings.TryGetValue(key, out var existing) && existing.Version == expectedVersion && _settings.Remove(key));
        }
    }

    private static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"Setting keys are at most {MaxKeyLength} characters.", nameof(key));
        }
    }
}
