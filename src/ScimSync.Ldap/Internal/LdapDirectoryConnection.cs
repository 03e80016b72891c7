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
    private readonly SemaphoreSlim gate = new(1, 1);
    private int disposed;

    private LdapDirectoryConnection(LdapConnection connection, string? trustDirectory, string server, int pageSize)
    {
        this.connection = connection;
        this.trustDirectory = trustDirectory;
        this.server = server;
        this.pageSize = pageSize;
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
            await Task.Run(() => Open(opened, options, server), cancellationToken).ConfigureAwait(false);
            return new LdapDirectoryConnection(connection, trustDirectory, server, options.PageSize);
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
            if (!done && page.Cookie is { Length: > 0 } && Volatile.Read(ref disposed) == 0)
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
            connection.Dispose();
            gate.Dispose();
            DeleteTrustDirectory(trustDirectory);
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
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Send(request, what), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
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
