// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ScimSync.Samples.Host;

/// <summary>The sample's bearer token: generated once, kept next to the database, readable by its owner only.</summary>
internal static class SampleToken
{
    private const string FileName = "scim-token";

    /// <summary>
    /// Creates the data directory owner-only (it holds the database, with personal data, and the token) and returns
    /// its full path.
    /// </summary>
    public static string PrepareDataDirectory(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(fullPath);
        }
        else
        {
            Directory.CreateDirectory(fullPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return fullPath;
    }

    /// <summary>Reads the persisted token, or creates one (32 random bytes, base64url) on first run.</summary>
    public static string LoadOrCreate(string dataDirectory, string fileName = FileName)
    {
        var path = Path.Combine(dataDirectory, fileName);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }

        var token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created owner-only, so the secret is never readable by others, not even briefly.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options))
        {
            writer.Write(token);
        }

        return token;
    }

    /// <summary>Prints what an identity provider's provisioning page asks for.</summary>
    public static void PrintConnectionInfo(WebApplication app, string prefix, string token, string? consolePath = null, string? adminKey = null)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            Console.WriteLine($"SCIM Base URL: {address.TrimEnd('/')}{prefix}");
        }

        foreach (var address in consolePath is null ? [] : addresses)
        {
            Console.WriteLine($"Operator console: {address.TrimEnd('/')}{consolePath} (admin key: {adminKey})");
        }

        // The token last: scripts and tests read up to it.
        Console.WriteLine($"Secret Token:  {token}");
        Console.Out.Flush();
    }
}
