// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;

namespace ScimSync.Atlassian.Products;

/// <summary>A password nobody knows, for APIs that insist on one when they create a user.</summary>
internal static class RandomPassword
{
    // Letters, digits and symbols, so that any password policy the product enforces is met.
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Digits = "23456789";
    private const string Symbols = "!#%*+-=?@^_";

    /// <summary>Creates a 40-character password from a cryptographic random source.</summary>
    public static string Create()
    {
        const string all = Lower + Upper + Digits + Symbols;
        var chars = new char[40];
        chars[0] = Lower[RandomNumberGenerator.GetInt32(Lower.Length)];
        chars[1] = Upper[RandomNumberGenerator.GetInt32(Upper.Length)];
        chars[2] = Digits[RandomNumberGenerator.GetInt32(Digits.Length)];
        chars[3] = Symbols[RandomNumberGenerator.GetInt32(Symbols.Length)];
        for (var i = 4; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
