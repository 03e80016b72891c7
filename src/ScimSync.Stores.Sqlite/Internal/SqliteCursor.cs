// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>
/// RFC 9865 cursors: the base64url of the table and the last rowid returned. Keyset paging on rowid is stable while
/// rows are added and deleted, because a row keeps its rowid for life (the store never runs VACUUM).
/// </summary>
internal static class SqliteCursor
{
    private const string Prefix = "s1:";

    public static string Encode(string table, long rowid) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + table + ":" + rowid.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Decodes a cursor of <paramref name="table"/>; the empty string is the first page (key 0).</summary>
    public static bool TryDecode(string cursor, string table, out long rowid)
    {
        rowid = 0;
        if (cursor.Length == 0)
        {
            return true;
        }

        if (cursor.Length > 200 || !Base64Url.IsValid(cursor))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        var expected = Prefix + table + ":";
        return text.StartsWith(expected, StringComparison.Ordinal) &&
            long.TryParse(text.AsSpan(expected.Length), NumberStyles.None, CultureInfo.InvariantCulture, out rowid);
    }
}
