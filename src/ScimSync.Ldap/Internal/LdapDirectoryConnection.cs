// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.DirectoryServices.Protocols;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;

namespace ScimSync.Ldap.Internal;

/// <summary>An <see cref="ILdapDirectory"/> over one bound System.DirectoryServices.Protocols connection.</summary>
internal sealed class LdapDirectoryConnection : ILdapDirectory
{
    private readonly LdapConnection connection;
    private readonly string? trustDirectory;
    private readonly string server;
    private readonly int pageSize;
    private readonly TimeSpan timeout;
    private readonly SemaphoreSlim gate = new(1, 1);
    private static readonly TimeSpan RequestGrace = TimeSpan.FromSeconds(5);
    private int disposed;

    // A request that outlived its deadline or its caller's cancellation still holds the native handle: the connection is
    // then unusable, and it is released when that request ends.
    private Task? stuckRequest;

    private LdapDirectoryConnection(LdapConnection connection, string? trustDirectory, string server, LdapServerOptions options)
    {
        this.connection = connection;
        this.trustDirectory = trustDirectory;
        this.server = server;
        pageSize = options.PageSize;
        timeout = options.Timeout;
    }

    /// <summary>Connects, secures and binds as <see cref="LdapDirectoryFactory"/> describes.</summary>
    /// <param name="options">The server.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The bound connection.</returns>
    public static async Task<LdapDirectoryConnection> ConnectAsync(LdapServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        cancellationToken.ThrowIfCancellationRequested();

        var port = options.Port != 0 ? options.Port : options.Security == LdapSecurity.Ldaps ? 636 : 389;
        var server = $"{options.Host}:{port}";
        string? trustDirectory = null;
        LdapConnection? connection = null;
        try
        {
            if (options.CaCertificateFile is not null && options.Security != LdapSecurity.None)
            {
                trustDirectory = CreateTrustDirectory(options.CaCertificateFile);
            }

            connection = new LdapConnection(new LdapDirectoryIdentifier(options.Host, port))
            {
                Timeout = options.Timeout,
                AutoBind = false,
            };
            var session = connection.SessionOptions;
            session.ProtocolVersion = 3;
            session.ReferralChasing = ReferralChasingOptions.None;
            if (options.Security == LdapSecurity.Ldaps)
            {
                session.SecureSocketLayer = true;
            }

            if (trustDirectory is not null)
            {
                TrustDirectory(session, trustDirectory);
            }

            var opened = connection;
            var openTrust = trustDirectory;
            var open = Task.Run(() => Open(opened, options, server), CancellationToken.None);
            try
            {
                // libldap does not bound a bind by the connection's timeout (a server that accepts the connection and
                // never answers blocks it): give up waiting, and release the handle when the blocked call returns.
                await open.WaitAsync(options.Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                connection = null;
                trustDirectory = null;
                _ = open.ContinueWith(_ => Release(opened, openTrust), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                if (ex is TimeoutException)
                {
                    throw new LdapDirectoryException($"LDAP connect and bind on {server} ({options.Security}) did not complete within {options.Timeout}.", ex);
                }

                throw;
            }

            return new LdapDirectoryConnection(opened, openTrust, server, options);
        }
        catch
        {
            connection?.Dispose();
            DeleteTrustDirectory(trustDirectory);
            throw;
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<LdapEntry> SearchAsync(LdapSearch search, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);

        var request = new SearchRequest(search.BaseDn, search.Filter, ToScope(search.Scope), [.. search.Attributes]);
        var page = new PageResultRequestControl(pageSize) { IsCritical = true };
        request.Controls.Add(page);
        var done = false;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var response = await SendAsync(request, $"search under '{search.BaseDn}'", cancellationToken).ConfigureAwait(false);

                // Search result references (continuation references to other naming contexts, which Active Directory
                // sends for its DNS and configuration partitions) are not followed: the entries asked for are in this one.
                foreach (SearchResultEntry entry in response.Entries)
                {
                    yield return ToEntry(entry);
                }

                var cookie = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie;
                if (cookie is null || cookie.Length == 0)
                {
                    done = true;
                    yield break;
                }

                page.Cookie = cookie;
            }
        }
        finally
        {
            if (!done && page.Cookie is { Length: > 0 } && Volatile.Read(ref disposed) == 0 && Volatile.Read(ref stuckRequest) is null)
            {
                await AbandonAsync(request, page).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ReadAllValuesAsync(string distinguishedName, string attribute, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(distinguishedName);
        ArgumentException.ThrowIfNullOrEmpty(attribute);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);

        var values = new List<string>();
        var requested = attribute;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = new SearchRequest(distinguishedName, "(objectClass=*)", SearchScope.Base, requested);
            var response = await SendAsync(request, $"read of '{attribute}' of '{distinguishedName}'", cancellationToken).ConfigureAwait(false);
            if (response.Entries.Count == 0)
            {
                return values;
            }

            LdapAttributeRange? range = null;
            DirectoryAttribute? found = null;
            foreach (DirectoryAttribute candidate in response.Entries[0].Attributes.Values)
            {
                if (string.Equals(candidate.Name, attribute, StringComparison.OrdinalIgnoreCase))
                {
                    found = candidate;
                    break;
                }

                if (LdapAttributeRange.TryParseFor(candidate.Name, attribute, out var chunk))
                {
                    found = candidate;
                    range = chunk;
                    break;
                }
            }

            if (found is null)
            {
                return values;
            }

            if (range is { } r && r.Start != values.Count)
            {
                throw new LdapDirectoryException(
                    $"LDAP ranged read of '{attribute}' of '{distinguishedName}' on {server} returned values from {r.Start} after {values.Count} values.");
            }

            values.AddRange(GetBytes(found).Select(v => Encoding.UTF8.GetString(v)));
            if (range is not { IsLast: false } next)
            {
                return values;
            }

            requested = next.NextRequest;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            if (Volatile.Read(ref stuckRequest) is { } stuck)
            {
                _ = stuck.ContinueWith(_ => Release(connection, trustDirectory), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
            else
            {
                Release(connection, trustDirectory);
            }
        }

        return ValueTask.CompletedTask;
    }

    private static void Validate(LdapServerOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.PageSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, nameof(options));
        if (options.BindDn is not null && string.IsNullOrEmpty(options.BindPassword))
        {
            // RFC 4513 §5.1.2: a DN with an empty password is an "unauthenticated" bind that many servers accept as anonymous.
            throw new ArgumentException("LdapServerOptions.BindPassword is required when BindDn is set (an empty password would bind anonymously).", nameof(options));
        }

        if (options.CaCertificateFile is not null && !File.Exists(options.CaCertificateFile))
        {
            throw new ArgumentException($"The CA certificate file '{options.CaCertificateFile}' does not exist.", nameof(options));
        }
    }

    private static void Open(LdapConnection connection, LdapServerOptions options, string server)
    {
        var step = "connect";
        try
        {
            if (options.Security == LdapSecurity.StartTls)
            {
                if (!OperatingSystem.IsWindows())
                {
                    // OpenLDAP's client (used by S.DS.P off Windows) opens the socket only on the first operation:
                    // StartTLS on an unopened connection fails with "server unavailable", so bind anonymously first.
                    connection.AuthType = AuthType.Anonymous;
                    connection.Bind();
                }

                step = "StartTLS";
                connection.SessionOptions.StartTransportLayerSecurity(null);
            }

            step = options.BindDn is null ? "anonymous bind" : $"bind as '{options.BindDn}'";
            if (options.BindDn is null)
            {
                connection.AuthType = AuthType.Anonymous;
                connection.Bind();
            }
            else
            {
                connection.AuthType = AuthType.Basic;
                connection.Bind(new NetworkCredential(options.BindDn, options.BindPassword));
            }
        }
        catch (Exception ex) when (ex is DirectoryException or InvalidOperationException)
        {
            throw Translate(ex, $"LDAP {step} on {server} ({options.Security})");
        }
    }

    private static void Release(LdapConnection connection, string? trustDirectory)
    {
        connection.Dispose();
        DeleteTrustDirectory(trustDirectory);
    }

    private static void TrustDirectory(LdapSessionOptions session, string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(
                "LdapServerOptions.CaCertificateFile is not supported on Windows: add the CA to the Windows certificate store instead.");
        }

        session.TrustedCertificatesDirectory = directory;
        session.StartNewTlsSessionContext();
    }

    private static string CreateTrustDirectory(string caCertificateFile)
    {
        var directory = Path.Combine(Path.GetTempPath(), "scimsync-ldap-ca-" + Guid.NewGuid().ToString("N"));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            File.Copy(caCertificateFile, Path.Combine(directory, "ca.crt"));
        }
        catch
        {
            DeleteTrustDirectory(directory);
            throw;
        }

        return directory;
    }

    private static void DeleteTrustDirectory(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp directory holding a public CA certificate
        }
        catch (UnauthorizedAccessException)
        {
            // idem
        }
    }

    private static SearchScope ToScope(LdapSearchScope scope) => scope switch
    {
        LdapSearchScope.Base => SearchScope.Base,
        LdapSearchScope.OneLevel => SearchScope.OneLevel,
        LdapSearchScope.Subtree => SearchScope.Subtree,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Unknown search scope."),
    };

    private static LdapEntry ToEntry(SearchResultEntry entry)
    {
        var attributes = new Dictionary<string, IReadOnlyList<byte[]>>(StringComparer.OrdinalIgnoreCase);
        foreach (DirectoryAttribute attribute in entry.Attributes.Values)
        {
            if (LdapAttributeRange.TryParse(attribute.Name, out var range))
            {
                // A ranged attribute is complete only when one chunk holds every value; otherwise the caller reads it
                // with ReadAllValuesAsync.
                if (range.Start == 0 && range.IsLast)
                {
                    attributes[range.BaseName] = GetBytes(attribute);
                }

                continue;
            }

            attributes[attribute.Name] = GetBytes(attribute);
        }

        return new LdapEntry(entry.DistinguishedName, attributes);
    }

    private static byte[][] GetBytes(DirectoryAttribute attribute) =>
        Array.ConvertAll(attribute.GetValues(typeof(byte[])), value => (byte[])value);

    private static LdapDirectoryException Translate(Exception exception, string what)
    {
        int? code = exception switch
        {
            DirectoryOperationException { Response: not null } operation => (int)operation.Response.ResultCode,
            LdapException ldap => ldap.ErrorCode,
            _ => null,
        };
        var detail = exception switch
        {
            DirectoryOperationException { Response: not null } operation when !string.IsNullOrEmpty(operation.Response.ErrorMessage) =>
                $"{exception.Message} {operation.Response.ErrorMessage}",
            LdapException ldap when !string.IsNullOrEmpty(ldap.ServerErrorMessage) => $"{exception.Message} {ldap.ServerErrorMessage}",
            _ => exception.Message,
        };
        var codeText = code is null ? string.Empty : $" (result code {code})";
        return new LdapDirectoryException($"{what} failed{codeText}: {detail}", exception) { ResultCode = code };
    }

    private async Task<SearchResponse> SendAsync(SearchRequest request, string what, CancellationToken cancellationToken)
    {
        ThrowIfUnusable(what);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable(what);
            var send = Task.Run(() => Send(request, what), CancellationToken.None);
            try
            {
                // S.DS.P bounds a request by the connection's timeout; the grace covers a native call that is not bounded.
                return await send.WaitAsync(timeout + RequestGrace, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !send.IsCompletedSuccessfully)
            {
                Volatile.Write(ref stuckRequest, send.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default));
                if (ex is TimeoutException)
                {
                    throw new LdapDirectoryException($"LDAP {what} on {server} did not complete within {timeout}; the connection is no longer usable.", ex);
                }

                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private void ThrowIfUnusable(string what)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (Volatile.Read(ref stuckRequest) is not null)
        {
            throw new LdapDirectoryException($"LDAP {what} on {server} not sent: an earlier request timed out or was cancelled mid-flight and the connection is no longer usable.");
        }
    }

    private SearchResponse Send(SearchRequest request, string what)
    {
        SearchResponse response;
        try
        {
            response = (SearchResponse)connection.SendRequest(request);
        }
        catch (Exception ex) when (ex is DirectoryException or InvalidOperationException)
        {
            throw Translate(ex, $"LDAP {what} on {server}");
        }

        if (response.ResultCode != ResultCode.Success)
        {
            var message = string.IsNullOrEmpty(response.ErrorMessage) ? response.ResultCode.ToString() : $"{response.ResultCode}: {response.ErrorMessage}";
            var referral = response.Referral is { Length: > 0 } urls ? $" (referral to {string.Join(", ", urls.Select(u => u.ToString()))})" : string.Empty;
            throw new LdapDirectoryException($"LDAP {what} on {server} failed (result code {(int)response.ResultCode}): {message}{referral}")
            {
                ResultCode = (int)response.ResultCode,
            };
        }

        return response;
    }

    private async Task AbandonAsync(SearchRequest request, PageResultRequestControl page)
    {
        // RFC 2696 §3: a page size of 0 with the last cookie tells the server to release the search.
        try
        {
            page.PageSize = 0;
            await SendAsync(request, "end of a paged search", CancellationToken.None).ConfigureAwait(false);
        }
        catch (LdapDirectoryException)
        {
            // best effort
        }
        catch (ObjectDisposedException)
        {
            // disposed meanwhile
        }
    }
}
