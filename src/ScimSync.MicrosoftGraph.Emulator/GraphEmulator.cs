// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScimSync.MicrosoftGraph.Emulator;

/// <summary>
/// Microsoft Graph v1.0 (users, groups, their delta queries and group members) and the Microsoft identity platform's
/// token endpoint, emulated on one Kestrel server on 127.0.0.1 and holding a tenant in memory, with fault injection
/// and request counters.
/// </summary>
/// <remarks>
/// Shapes follow https://learn.microsoft.com/en-us/graph/api/user-delta, https://learn.microsoft.com/en-us/graph/api/group-delta,
/// https://learn.microsoft.com/en-us/graph/delta-query-overview, https://learn.microsoft.com/en-us/graph/errors,
/// https://learn.microsoft.com/en-us/graph/throttling and
/// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow. Delta tokens and skip
/// tokens are the emulator's own (opaque to clients, as Graph's are).
/// </remarks>
/// <example>
/// <code>
/// await using var graph = await GraphEmulator.StartAsync();
/// graph.AddClient("app-id", "secret");
/// var id = graph.AddUser("ada@contoso.example", "Ada Lovelace");
/// // options: AuthorityHost = graph.AuthorityHost, GraphBaseAddress = graph.GraphBaseAddress, TenantId = graph.TenantId
/// </code>
/// </example>
public sealed partial class GraphEmulator : IAsyncDisposable
{
    private const string UserODataType = "#microsoft.graph.user";
    private const string GroupODataType = "#microsoft.graph.group";
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, UserRecord> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, GroupRecord> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, X509Certificate2> _certificates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _log = new();
    private WebApplication? _app;
    private X509Certificate2? _tls;
    private long _version;
    private int _epoch;
    private int _failCount;
    private HttpStatusCode _failStatus;
    private TimeSpan? _failRetryAfter;
    private HttpStatusCode _expiredStatus = HttpStatusCode.BadRequest;
    private int _tokenRequests;

    private GraphEmulator(TimeProvider time) => _time = time;

    /// <summary>Gets the server's address, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>
    /// Gets the address to use as the identity platform host: https on its own port, with <see cref="TlsCertificate"/>
    /// (MSAL accepts only https authorities). The token endpoint is <c>{tenant}/oauth2/v2.0/token</c> under it; it is
    /// also served over http under <see cref="BaseAddress"/>.
    /// </summary>
    public Uri AuthorityHost { get; private set; } = null!;

    /// <summary>Gets the self-signed certificate (for 127.0.0.1, made at start, public part only) the https port presents; trust it with <see cref="CreateHttpHandler"/>.</summary>
    public X509Certificate2 TlsCertificate { get; private set; } = null!;

    /// <summary>Gets the address to use as Graph's (<c>…/v1.0</c>).</summary>
    public Uri GraphBaseAddress => new(BaseAddress, "v1.0");

    /// <summary>Gets or sets the tenant the token endpoint accepts (its id or a domain).</summary>
    /// <value>Defaults to <c>contoso.example</c>.</value>
    public string TenantId { get; set; } = "contoso.example";

    /// <summary>Gets or sets how long issued access tokens live.</summary>
    /// <value>Defaults to one hour.</value>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets a value indicating whether Graph routes need a valid, unexpired bearer token from the token endpoint.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool RequireBearer { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether Graph answers 403 <c>Authorization_RequestDenied</c> (an app without the permissions).</summary>
    public bool DenyAccess { get; set; }

    /// <summary>Gets or sets a value indicating whether the emulator is down: every connection is aborted without an answer.</summary>
    public bool Down { get; set; }

    /// <summary>Gets the number of token requests received (refused ones included).</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>Gets the requests received on Graph routes, as path and query, oldest first.</summary>
    public IReadOnlyList<string> RequestLog => [.. _log];

    /// <summary>Starts the emulator on 127.0.0.1 at a free port.</summary>
    /// <param name="time">The clock for token lifetimes; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<GraphEmulator> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var emulator = new GraphEmulator(time ?? TimeProvider.System);
        // Kept (with its key) for the emulator's life: Kestrel uses it at every handshake.
        var tls = emulator._tls = CreateTlsCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(tls));
        });
        var app = builder.Build();
        app.Run(emulator.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        emulator._app = app;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        emulator.BaseAddress = new Uri(addresses.First(a => a.StartsWith("http:", StringComparison.Ordinal)).TrimEnd('/') + "/");
        emulator.AuthorityHost = new Uri(addresses.First(a => a.StartsWith("https:", StringComparison.Ordinal)).TrimEnd('/') + "/");
        emulator.TlsCertificate = X509CertificateLoader.LoadCertificate(tls.RawData);
        return emulator;
    }

    /// <summary>Creates an HTTP handler that trusts <see cref="TlsCertificate"/> (and only it, for https), for clients of the emulator.</summary>
    /// <returns>The handler.</returns>
    public HttpMessageHandler CreateHttpHandler()
    {
        var thumbprint = TlsCertificate.Thumbprint;
        return new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == thumbprint },
        };
    }

    /// <summary>Gets how many requests a route received: <c>token</c>, <c>users/delta</c>, <c>groups/delta</c>, <c>users/{id}</c>, <c>users</c>, <c>groups/{id}</c> or <c>groups/{id}/members</c>.</summary>
    /// <param name="route">The route's name.</param>
    /// <returns>The count.</returns>
    public int GetRequestCount(string route) => _requests.TryGetValue(route, out var n) ? n : 0;

    /// <summary>Registers an app that signs in with a client secret.</summary>
    /// <param name="clientId">The application (client) id.</param>
    /// <param name="secret">The secret.</param>
    public void AddClient(string clientId, string secret)
    {
        lock (_gate)
        {
            _secrets[clientId] = secret;
        }
    }

    /// <summary>Registers an app that signs in with a client assertion signed by <paramref name="certificate"/>'s key.</summary>
    /// <param name="clientId">The application (client) id.</param>
    /// <param name="certificate">The certificate (its public key is enough).</param>
    public void AddClientCertificate(string clientId, X509Certificate2 certificate)
    {
        lock (_gate)
        {
            _certificates[clientId] = certificate;
        }
    }

    /// <summary>Makes the next <paramref name="count"/> requests (any route) fail with <paramref name="status"/> and a Graph error body.</summary>
    /// <param name="count">How many requests fail.</param>
    /// <param name="status">The status (for example 500, 503 or 429).</param>
    /// <param name="retryAfter">The <c>Retry-After</c> to send (whole seconds), or <see langword="null"/> for none.</param>
    public void FailNext(int count, HttpStatusCode status = HttpStatusCode.InternalServerError, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _failCount = count;
            _failStatus = status;
            _failRetryAfter = retryAfter;
        }
    }

    /// <summary>Throttles the next <paramref name="count"/> requests: 429 <c>TooManyRequests</c> with <c>Retry-After</c>.</summary>
    /// <param name="count">How many requests are throttled.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> to send.</param>
    public void Throttle(int count, TimeSpan retryAfter) => FailNext(count, HttpStatusCode.TooManyRequests, retryAfter);

    /// <summary>
    /// Makes every delta link and skip token issued so far invalid: they are answered with <paramref name="status"/>
    /// (400 <c>syncStateNotFound</c>, as Graph does for directory objects after seven days, or 410 <c>resyncRequired</c>).
    /// </summary>
    /// <param name="status">400 or 410.</param>
    public void ExpireDeltaTokens(HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        lock (_gate)
        {
            _epoch++;
            _expiredStatus = status;
        }
    }

    /// <summary>Clears every fault (down, failures, denied access).</summary>
    public void ClearFaults()
    {
        Down = false;
        DenyAccess = false;
        FailNext(0);
    }

    /// <summary>Adds a user.</summary>
    /// <param name="userPrincipalName">The user principal name.</param>
    /// <param name="displayName">The display name, or <see langword="null"/>.</param>
    /// <param name="accountEnabled">Whether the account is enabled.</param>
    /// <param name="properties">More properties (<c>givenName</c>, <c>mail</c>, <c>employeeId</c>, <c>onPremisesExtensionAttributes</c>…).</param>
    /// <returns>The user's id.</returns>
    public string AddUser(string userPrincipalName, string? displayName = null, bool accountEnabled = true, JsonObject? properties = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userPrincipalName);
        var id = Guid.NewGuid().ToString();
        lock (_gate)
        {
            var version = ++_version;
            var user = new UserRecord(id, version);
            user.Set("userPrincipalName", userPrincipalName, version);
            user.Set("displayName", displayName, version);
            user.Set("accountEnabled", accountEnabled, version);
            foreach (var (name, value) in properties ?? [])
            {
                user.Set(name, value?.DeepClone(), version);
            }

            _users[id] = user;
        }

        return id;
    }

    /// <summary>Changes (or clears, with <see langword="null"/>) one property of a user.</summary>
    /// <param name="id">The user's id.</param>
    /// <param name="property">The Graph property, for example <c>jobTitle</c> or <c>accountEnabled</c>.</param>
    /// <param name="value">The new value.</param>
    public void UpdateUser(string id, string property, JsonNode? value)
    {
        lock (_gate)
        {
            User(id).Set(property, value?.DeepClone(), ++_version);
        }
    }

    /// <summary>Deletes a user: to the deleted items (restorable) or permanently.</summary>
    /// <param name="id">The user's id.</param>
    /// <param name="permanently">Whether the user is gone for good.</param>
    public void DeleteUser(string id, bool permanently = false)
    {
        lock (_gate)
        {
            var user = User(id);
            user.State = permanently ? EntryState.Purged : EntryState.SoftDeleted;
            user.StateVersion = ++_version;
        }
    }

    /// <summary>Restores a soft-deleted user.</summary>
    /// <param name="id">The user's id.</param>
    public void RestoreUser(string id)
    {
        lock (_gate)
        {
            var user = User(id);
            if (user.State != EntryState.SoftDeleted)
            {
                throw new InvalidOperationException($"User {id} is not in the deleted items.");
            }

            user.State = EntryState.Active;
            user.StateVersion = ++_version;
        }
    }

    /// <summary>Gets a copy of a user's properties, or <see langword="null"/> when no user has that id.</summary>
    /// <param name="id">The user's id.</param>
    /// <returns>The properties.</returns>
    public JsonObject? GetUser(string id)
    {
        lock (_gate)
        {
            return _users.TryGetValue(id, out var user) ? (JsonObject)user.Properties.DeepClone() : null;
        }
    }

    /// <summary>Adds a group.</summary>
    /// <param name="displayName">The group's display name.</param>
    /// <returns>The group's id.</returns>
    public string AddGroup(string displayName)
    {
        var id = Guid.NewGuid().ToString();
        lock (_gate)
        {
            var version = ++_version;
            _groups[id] = new GroupRecord(id, version) { DisplayName = displayName, NameVersion = version };
        }

        return id;
    }

    /// <summary>Renames a group.</summary>
    /// <param name="id">The group's id.</param>
    /// <param name="displayName">The new name.</param>
    public void RenameGroup(string id, string displayName)
    {
        lock (_gate)
        {
            var group = Group(id);
            group.DisplayName = displayName;
            group.NameVersion = ++_version;
        }
    }

    /// <summary>Deletes a group.</summary>
    /// <param name="id">The group's id.</param>
    public void DeleteGroup(string id)
    {
        lock (_gate)
        {
            var group = Group(id);
            group.Deleted = true;
            group.DeletedVersion = ++_version;
        }
    }

    /// <summary>Adds a member (a user, or a group: a nested group) to a group.</summary>
    /// <param name="groupId">The group's id.</param>
    /// <param name="memberId">The id of a user or of another group.</param>
    public void AddMember(string groupId, string memberId)
    {
        lock (_gate)
        {
            var type = _users.ContainsKey(memberId) ? UserODataType
                : _groups.ContainsKey(memberId) ? GroupODataType
                : throw new KeyNotFoundException($"No user or group has id {memberId}.");
            Group(groupId).Members[memberId] = new MemberRecord(type, true, ++_version);
        }
    }

    /// <summary>Removes a member from a group.</summary>
    /// <param name="groupId">The group's id.</param>
    /// <param name="memberId">The member's id.</param>
    public void RemoveMember(string groupId, string memberId)
    {
        lock (_gate)
        {
            var group = Group(groupId);
            if (group.Members.TryGetValue(memberId, out var member))
            {
                group.Members[memberId] = member with { Present = false, Version = ++_version };
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _tls?.Dispose();
        TlsCertificate?.Dispose();
    }

    private static X509Certificate2 CreateTlsCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = TimeProvider.System.GetUtcNow(); // the TLS certificate lives in real time, whatever clock the emulator is given
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        // Kestrel on Linux needs the key in an exportable PKCS#12 form.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    private UserRecord User(string id) => _users.TryGetValue(id, out var user) ? user : throw new KeyNotFoundException($"No user has id {id}.");

    private GroupRecord Group(string id) => _groups.TryGetValue(id, out var group) ? group : throw new KeyNotFoundException($"No group has id {id}.");

    private enum EntryState
    {
        Active,
        SoftDeleted,
        Purged,
    }

    private sealed class UserRecord(string id, long created)
    {
        public string Id { get; } = id;

        public long Created { get; } = created;

        public JsonObject Properties { get; } = new() { ["id"] = id };

        public Dictionary<string, long> Versions { get; } = new(StringComparer.OrdinalIgnoreCase);

        public EntryState State { get; set; }

        public long StateVersion { get; set; }

        public void Set(string name, JsonNode? value, long version)
        {
            Properties[name] = value;
            Versions[name] = version;
        }
    }

    private sealed class GroupRecord(string id, long created)
    {
        public string Id { get; } = id;

        public long Created { get; } = created;

        public string DisplayName { get; set; } = string.Empty;

        public long NameVersion { get; set; }

        public bool Deleted { get; set; }

        public long DeletedVersion { get; set; }

        public Dictionary<string, MemberRecord> Members { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private sealed record MemberRecord(string Type, bool Present, long Version);
}
