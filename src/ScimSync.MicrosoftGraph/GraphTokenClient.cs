// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Identity.Client;
using ScimSync.Pull;

namespace ScimSync.MicrosoftGraph;

/// <summary>
/// The OAuth 2.0 client credentials grant against the Microsoft identity platform through MSAL, with a client secret
/// or a certificate (MSAL signs the client assertion).
/// </summary>
/// <remarks>
/// The grant: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow; MSAL's
/// confidential client: https://learn.microsoft.com/en-us/entra/msal/dotnet/acquiring-tokens/web-apps-apis/client-credential-flows.
/// </remarks>
internal sealed class GraphTokenClient
{
    private static readonly string[] GraphScopes = ["https://graph.microsoft.com/.default"];
    private readonly GraphSourceOptions _options;
    private readonly IConfidentialClientApplication _client;
    private readonly TimeProvider _time;

    public GraphTokenClient(GraphSourceOptions options, GraphTokenCache cache, HttpClient http, TimeProvider time)
    {
        _options = options;
        _time = time;
        var authority = $"{options.AuthorityHost.AbsoluteUri.TrimEnd('/')}/{Uri.EscapeDataString(options.TenantId!)}";

        // The credential is part of the key (as a hash) so that a rotated secret never reuses the old one's token.
        var credential = options.ClientSecret ?? options.CertificatePath + "|" + options.CertificatePassword;
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));
        _client = cache.GetOrAdd($"{authority}|{options.ClientId}|{hash}", () =>
        {
            var builder = ConfidentialClientApplicationBuilder.Create(options.ClientId)
                .WithAuthority(authority, validateAuthority: !options.AuthorityHost.IsLoopback)
                .WithHttpClientFactory(new MsalHttpClientFactory(http));
            if (options.AuthorityHost.IsLoopback)
            {
                // An emulator has no instance discovery endpoint.
                builder = builder.WithInstanceDiscovery(false);
            }

            return string.IsNullOrEmpty(options.ClientSecret)
                ? builder.WithCertificate(LoadCertificate(options.CertificatePath!, options.CertificatePassword)).Build()
                : builder.WithClientSecret(options.ClientSecret).Build();
        });
    }

    public async Task<string> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await AcquireAsync(forceRefresh, cancellationToken).ConfigureAwait(false);
            }
            catch (IdentitySourceException e) when (attempt < _options.MaxRetries && e.Kind is IdentitySourceErrorKind.Throttled or IdentitySourceErrorKind.Unavailable)
            {
                // MSAL retries a 5xx once and then, like a 429, leaves it to us (honouring Retry-After).
                var retryAfter = (e.InnerException as MsalServiceException)?.Headers?.RetryAfter;
                var delay = retryAfter switch
                {
                    { Delta: { } d } => d,
                    { Date: { } date } => date - _time.GetUtcNow(),
                    _ => _options.RetryDelay * Math.Pow(2, attempt),
                };
                delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> AcquireAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        // The HttpClient has no timeout of its own: each token request gets the options' Timeout, as Graph requests do.
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var result = await _client.AcquireTokenForClient(GraphScopes).WithForceRefresh(forceRefresh).ExecuteAsync(linked.Token).ConfigureAwait(false);
            return result.AccessToken;
        }
        catch (MsalThrottledServiceException e)
        {
            throw new IdentitySourceException(IdentitySourceErrorKind.Throttled, "The Microsoft identity platform throttled the token requests (429).", e.OriginalServiceException, 429);
        }
        catch (MsalServiceException e)
        {
            var firstLine = e.Message.Split('\n', 2)[0].Trim();
            var kind = e.StatusCode switch
            {
                429 => IdentitySourceErrorKind.Throttled,
                >= 500 or 0 => IdentitySourceErrorKind.Unavailable,
                _ => IdentitySourceErrorKind.Unauthorized,
            };
            throw new IdentitySourceException(
                kind,
                $"The Microsoft identity platform refused the app '{_options.ClientId}' of tenant '{_options.TenantId}' ({e.StatusCode} {e.ErrorCode}: {firstLine}). Check TenantId, ClientId and the secret or certificate registered on the app.",
                e,
                e.StatusCode == 0 ? null : e.StatusCode);
        }
        catch (MsalClientException e)
        {
            throw new IdentitySourceException(IdentitySourceErrorKind.Unavailable, $"No token could be obtained from the Microsoft identity platform ({e.ErrorCode}: {e.Message.Split('\n', 2)[0].Trim()}).", e);
        }
        catch (HttpRequestException e)
        {
            throw new IdentitySourceException(IdentitySourceErrorKind.Unavailable, $"The Microsoft identity platform could not be reached ({e.Message}).", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IdentitySourceException(IdentitySourceErrorKind.Unavailable, "The Microsoft identity platform did not answer in time.", e);
        }
    }

    /// <summary>Loads a PKCS#12 or PEM certificate with its private key.</summary>
    internal static X509Certificate2 LoadCertificate(string path, string? password)
    {
        try
        {
            var extension = Path.GetExtension(path);
            if (extension.Equals(".pem", StringComparison.OrdinalIgnoreCase) || extension.Equals(".crt", StringComparison.OrdinalIgnoreCase))
            {
                return string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(path)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password);
            }

            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException e)
        {
            throw new IdentitySourceException(IdentitySourceErrorKind.Unauthorized, $"The certificate at '{path}' could not be read (wrong password, or no private key in the file).", e);
        }
    }

    private sealed class MsalHttpClientFactory(HttpClient http) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => http;
    }
}
