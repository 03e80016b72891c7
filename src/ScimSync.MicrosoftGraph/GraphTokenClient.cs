// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Pull;

namespace ScimSync.MicrosoftGraph;

/// <summary>
/// The OAuth 2.0 client credentials grant against the Microsoft identity platform, with a client secret or a client
/// assertion signed by a certificate.
/// </summary>
/// <remarks>
/// Request and answers: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow;
/// the assertion's header and claims: https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials.
/// Hand-rolled rather than MSAL: see docs/pull/microsoft-graph.md ("Why not MSAL").
/// </remarks>
internal sealed class GraphTokenClient
{
    private const string GraphScope = "https://graph.microsoft.com/.default";
    private readonly GraphSourceOptions _options;
    private readonly GraphTokenCache _cache;
    private readonly TimeProvider _time;
    private readonly string _cacheKey;
    private readonly Uri _tokenEndpoint;
    private X509Certificate2? _certificate;

    public GraphTokenClient(GraphSourceOptions options, GraphTokenCache cache, TimeProvider time)
    {
        _options = options;
        _cache = cache;
        _time = time;
        var host = options.AuthorityHost.AbsoluteUri.TrimEnd('/');
        _tokenEndpoint = new Uri($"{host}/{Uri.EscapeDataString(options.TenantId!)}/oauth2/v2.0/token");

        // The credential is part of the key (as a hash) so that a rotated secret never reuses the old one's token.
        var credential = options.ClientSecret ?? options.CertificatePath + "|" + options.CertificatePassword;
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));
        _cacheKey = $"{_tokenEndpoint}|{options.ClientId}|{hash}";
    }

    /// <summary>Gets the number of tokens this client asked for.</summary>
    public int Requests { get; private set; }

    public async Task<string> GetTokenAsync(Func<Func<HttpRequestMessage>, string, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        if (_cache.TryGet(_cacheKey, _time.GetUtcNow(), out var token))
        {
            return token;
        }

        // Two reads at once may both ask for a token; both are valid, the later one is kept.
        var requestedAt = _time.GetUtcNow();
        using var response = await send(CreateRequest, "the token endpoint", cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        Requests++;
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        if (!response.IsSuccessStatusCode)
        {
            var error = json?["error"]?.GetValue<string>() ?? "unknown_error";
            var description = json?["error_description"]?.GetValue<string>();
            var firstLine = description?.Split('\n', 2)[0].Trim();
            var kind = error is "invalid_client" or "unauthorized_client" or "invalid_grant" or "invalid_request" or "invalid_scope" || (int)response.StatusCode is 400 or 401 or 403
                ? IdentitySourceErrorKind.Unauthorized
                : IdentitySourceErrorKind.Unavailable;
            throw new IdentitySourceException(
                kind,
                $"The Microsoft identity platform refused the app '{_options.ClientId}' of tenant '{_options.TenantId}' ({(int)response.StatusCode} {error}: {firstLine}). Check TenantId, ClientId and the secret or certificate registered on the app.",
                status: (int)response.StatusCode);
        }

        if (json?["access_token"]?.GetValue<string>() is not { Length: > 0 } accessToken)
        {
            throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, "The token endpoint answered without an access_token.", status: (int)response.StatusCode);
        }

        var expiresIn = json["expires_in"] switch
        {
            JsonValue v when v.TryGetValue<long>(out var n) => n,
            JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, out var n) => n,
            _ => 3599L,
        };
        _cache.Set(_cacheKey, accessToken, requestedAt.AddSeconds(expiresIn));
        return accessToken;
    }

    public void Forget(string token) => _cache.Remove(_cacheKey, token);

    private HttpRequestMessage CreateRequest()
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("client_id", _options.ClientId!),
            new("scope", GraphScope),
            new("grant_type", "client_credentials"),
        };
        if (!string.IsNullOrEmpty(_options.ClientSecret))
        {
            form.Add(new("client_secret", _options.ClientSecret));
        }
        else
        {
            form.Add(new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
            form.Add(new("client_assertion", CreateAssertion()));
        }

        return new HttpRequestMessage(HttpMethod.Post, _tokenEndpoint) { Content = new FormUrlEncodedContent(form) };
    }

    private string CreateAssertion()
    {
        var certificate = _certificate ??= LoadCertificate(_options.CertificatePath!, _options.CertificatePassword);
        using var key = certificate.GetRSAPrivateKey()
            ?? throw new IdentitySourceException(IdentitySourceErrorKind.Unauthorized, $"The certificate at '{_options.CertificatePath}' has no RSA private key.");
        var now = _time.GetUtcNow();
        var header = new JsonObject
        {
            ["alg"] = "RS256",
            ["typ"] = "JWT",
            ["x5t#S256"] = Base64Url(certificate.GetCertHash(HashAlgorithmName.SHA256)),
            ["x5t"] = Base64Url(certificate.GetCertHash()),
        };
        var claims = new JsonObject
        {
            ["aud"] = _tokenEndpoint.AbsoluteUri,
            ["iss"] = _options.ClientId,
            ["sub"] = _options.ClientId,
            ["jti"] = Guid.NewGuid().ToString(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        var signed = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signed + "." + Base64Url(signature);
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

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
