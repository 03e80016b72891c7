// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using ScimSync.Okta.Emulator;
using ScimSync.Pull;

namespace ScimSync.Okta.Tests;

/// <summary>An emulated org with an API token and a service app, and sources pointed at it.</summary>
internal sealed class OktaTestOrg : IAsyncDisposable
{
    public const string ApiToken = "00a-test-api-token";
    public const string ClientId = "0oa-test-service-app";

    private static readonly Lazy<RSA> SharedKey = new(() => RSA.Create(2048));

    private readonly List<HttpClient> _clients = [];

    private OktaTestOrg(OktaEmulator emulator, TimeProvider time)
    {
        Emulator = emulator;
        Time = time;
    }

    public OktaEmulator Emulator { get; }

    public TimeProvider Time { get; }

    public OktaTokenCache Tokens { get; } = new();

    /// <summary>Gets the service app's private key (PEM).</summary>
    public static string PrivateKeyPem => SharedKey.Value.ExportPkcs8PrivateKeyPem();

    public static async Task<OktaTestOrg> StartAsync(TimeProvider? time = null, IEnumerable<string>? scopes = null, bool requireDPoP = true)
    {
        time ??= TimeProvider.System;
        var emulator = await OktaEmulator.StartAsync(time);
        emulator.AddApiToken(ApiToken);
        emulator.RegisterServiceApp(ClientId, SharedKey.Value.ExportParameters(false), scopes, requireDPoP);
        return new OktaTestOrg(emulator, time);
    }

    public OktaSourceOptions ApiTokenOptions(Action<OktaSourceOptions>? configure = null)
    {
        var options = new OktaSourceOptions { OrgUrl = Emulator.OrgUrl, ApiToken = ApiToken, RetryDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return options;
    }

    public OktaSourceOptions ServiceAppOptions(Action<OktaSourceOptions>? configure = null)
    {
        var options = new OktaSourceOptions { OrgUrl = Emulator.OrgUrl, ClientId = ClientId, PrivateKey = PrivateKeyPem, RetryDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return options;
    }

    public OktaIdentitySource Source(OktaSourceOptions options)
    {
        var client = new HttpClient();
        _clients.Add(client);
        return new OktaIdentitySource(options, client, Tokens, Time);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        Tokens.Dispose();
        await Emulator.DisposeAsync();
    }

    public static async Task<List<SourceUser>> ReadUsersAsync(IIdentitySource source, SourceRead read)
    {
        var users = new List<SourceUser>();
        await foreach (var user in source.ReadUsersAsync(read))
        {
            users.Add(user);
        }

        return users;
    }

    public static async Task<List<SourceGroup>> ReadGroupsAsync(IIdentitySource source, SourceRead read)
    {
        var groups = new List<SourceGroup>();
        await foreach (var group in source.ReadGroupsAsync(read))
        {
            groups.Add(group);
        }

        return groups;
    }
}
