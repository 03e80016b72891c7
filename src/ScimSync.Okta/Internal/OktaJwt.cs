// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ScimSync.Okta.Internal;

/// <summary>
/// The two JWTs a service app signs (RS256, RFC 7515): the client assertion of <c>private_key_jwt</c> and the DPoP
/// proof of RFC 9449. Built with the BCL: both are a header and a payload of a few claims, signed with an RSA key.
/// </summary>
internal static class OktaJwt
{
    /// <summary>The client assertion: iss = sub = client id, aud = the token endpoint, a short life and a unique jti.</summary>
    /// <remarks>https://developer.okta.com/docs/guides/oauth-for-okta/main/#create-and-sign-the-jwt</remarks>
    public static string ClientAssertion(RSA key, string? keyId, string clientId, Uri tokenEndpoint, DateTimeOffset now)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" };
        if (!string.IsNullOrEmpty(keyId))
        {
            header["kid"] = keyId;
        }

        var payload = new JsonObject
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = tokenEndpoint.AbsoluteUri,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        return Sign(key, header, payload);
    }

    /// <summary>A DPoP proof for one request: the public key in the header, the method and URL (no query), and for a resource the token's hash.</summary>
    /// <remarks>RFC 9449 §4.2; https://developer.okta.com/docs/guides/dpop/oktaresourceserver/main/</remarks>
    public static string DPoPProof(RSA key, string method, Uri uri, DateTimeOffset now, string? nonce, string? accessToken)
    {
        var header = new JsonObject { ["typ"] = "dpop+jwt", ["alg"] = "RS256", ["jwk"] = PublicJwk(key) };
        var payload = new JsonObject
        {
            ["htm"] = method,
            ["htu"] = uri.GetLeftPart(UriPartial.Path),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (nonce is not null)
        {
            payload["nonce"] = nonce;
        }

        if (accessToken is not null)
        {
            payload["ath"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        }

        return Sign(key, header, payload);
    }

    /// <summary>Reads an RSA private key from PEM text or from the PEM file it names.</summary>
    public static RSA LoadPrivateKey(string pemOrPath)
    {
        var pem = pemOrPath.Contains("-----BEGIN", StringComparison.Ordinal) ? pemOrPath : File.ReadAllText(pemOrPath);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static JsonObject PublicJwk(RSA key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        return new JsonObject { ["kty"] = "RSA", ["e"] = Base64Url(parameters.Exponent), ["n"] = Base64Url(parameters.Modulus) };
    }

    private static string Sign(RSA key, JsonObject header, JsonObject payload)
    {
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }
}
