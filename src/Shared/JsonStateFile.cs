// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ScimSync.Internal;

/// <summary>
/// One connection's sync state as a JSON file in a directory: written to a temporary file and renamed over the old
/// one, so a crash never leaves half a file; a file that cannot be read as JSON counts as no state.
/// </summary>
internal static class JsonStateFile
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The file of a connection: connection names are URL segments (letters, digits, '-', '_'); anything else is encoded so it cannot escape the directory.</summary>
    public static string PathOf(string directory, string prefix, string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        var safe = new StringBuilder(connection.Length);
        foreach (var c in connection)
        {
            _ = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? safe.Append(c) : safe.Append('%').Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }

        return Path.Combine(directory, prefix + safe + ".json");
    }

    public static async Task<T?> ReadAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                // A damaged file only loses the state: the next run is a full one.
                return null;
            }
        }
    }

    public static async Task WriteAsync<T>(string path, T state, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(state, Json), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
