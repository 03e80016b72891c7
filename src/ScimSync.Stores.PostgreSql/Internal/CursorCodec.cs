// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ScimSync.Stores.PostgreSql.Internal;

/// <summary>
/// Encodes keyset cursors (RFC 9865): the sort key and sequence number of the last resource of a page, bound to the
/// query that produced it and authenticated with a key kept in the database, so every host instance accepts the
/// cursors of the others and nobody can forge or re-target one.
/// </summary>
internal static class CursorCodec
{
    private const int MacLength = 16;

    /// <summary>The position after which the next page starts.</summary>
    internal sealed record Position(string? Key, long Seq);

    public static string Encode(byte[] secret, string queryFingerprint, Position position)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(queryFingerprint, position.Key, position.Seq), PayloadContext.Default.Payload);
        var mac = HMACSHA256.HashData(secret, payload).AsSpan(0, MacLength);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(mac);
    }

    public static bool TryDecode(byte[] secret, string queryFingerprint, string cursor, out Position? position)
    {
        position = null;
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        if (cursor.Length > 4096 || dot <= 0)
        {
            return false;
        }

        byte[] payload;
        byte[] mac;
        try
        {
            payload = Base64Url.DecodeFromChars(cursor.AsSpan(0, dot));
            mac = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(secret, payload).AsSpan(0, MacLength);
        if (mac.Length != MacLength || !CryptographicOperations.FixedTimeEquals(mac, expected))
        {
            return false;
        }

        Payload? decoded;
        try
        {
            decoded = JsonSerializer.Deserialize(payload, PayloadContext.Default.Payload);
        }
        catch (JsonException)
        {
            return false;
        }

        if (decoded is null || !string.Equals(decoded.Q, queryFingerprint, StringComparison.Ordinal))
        {
            return false;
        }

        position = new Position(decoded.K, decoded.S);
        return true;
    }

    /// <summary>Identifies a query (directory, type, filter and sort), so a cursor only continues the query that made it.</summary>
    public static string Fingerprint(string directory, string resourceType, ListQuery query)
    {
        var text = string.Join('\n', directory, resourceType, query.Filter?.ToString() ?? string.Empty, query.SortBy?.ToString() ?? string.Empty, query.SortOrder.ToString());
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
    }

    internal sealed record Payload(string Q, string? K, long S);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(CursorCodec.Payload))]
internal sealed partial class PayloadContext : System.Text.Json.Serialization.JsonSerializerContext;
