// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ScimSync.MicrosoftGraph.Emulator;
using ScimSync.Pull;

namespace ScimSync.MicrosoftGraph.Tests;

/// <summary>Starts the emulator with one app registered and builds sources pointed at it.</summary>
internal static class GraphTestKit
{
    public const string ClientId = "11111111-2222-3333-4444-555555555555";
    public const string Secret = "emulated-secret-value";

    public static async Task<GraphEmulator> StartAsync(TimeProvider? time = null)
    {
        var graph = await GraphEmulator.StartAsync(time);
        graph.AddClient(ClientId, Secret);
        return graph;
    }

    public static GraphSourceOptions Options(GraphEmulator graph, Action<GraphSourceOptions>? configure = null)
    {
        var options = new GraphSourceOptions
        {
            TenantId = graph.TenantId,
            ClientId = ClientId,
            ClientSecret = Secret,
            AuthorityHost = graph.AuthorityHost,
            GraphBaseAddress = graph.GraphBaseAddress,
            RetryDelay = TimeSpan.Zero,
            MaxRetries = 3,
        };
        configure?.Invoke(options);
        Assert.Empty(options.Validate());
        return options;
    }

    public static GraphIdentitySource Source(GraphEmulator graph, Action<GraphSourceOptions>? configure = null, GraphTokenCache? cache = null, TimeProvider? time = null) =>
        new(Options(graph, configure), new HttpClient(graph.CreateHttpHandler()), cache ?? new GraphTokenCache(), time);

    public static async Task<List<SourceUser>> UsersAsync(IIdentitySource source, SourceRead read)
    {
        var users = new List<SourceUser>();
        await foreach (var user in source.ReadUsersAsync(read))
        {
            users.Add(user);
        }

        return users;
    }

    public static async Task<List<SourceGroup>> GroupsAsync(IIdentitySource source, SourceRead read)
    {
        var groups = new List<SourceGroup>();
        await foreach (var group in source.ReadGroupsAsync(read))
        {
            groups.Add(group);
        }

        return groups;
    }

    /// <summary>A self-signed RSA certificate with its private key, as an app registration's credential.</summary>
    public static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=scimsync-graph-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.Now.AddDays(-1), DateTimeOffset.Now.AddDays(30));
    }
}
