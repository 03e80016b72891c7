// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Schema;
using ScimSync.Serialization;

namespace ScimSync.Abstractions.Tests.Robustness;

/// <summary>
/// Inputs tests/ScimSync.Fuzz found crashing (an exception other than <see cref="ScimException"/>), kept as
/// regressions. System.Text.Json parses invalid UTF-8 inside strings and unpaired surrogate escapes, and only throws
/// <see cref="InvalidOperationException"/> when the string is read.
/// </summary>
public sealed class FuzzFindingsTests
{
    public static TheoryData<string, byte[], int> BadText => new()
    {
        // An invalid byte (0x80, a lone continuation byte) inside a property name and inside a value.
        { "continuation byte in a name", [.. "{\""u8, 0x80, .. "\":1}"u8], 2 },
        { "overlong NUL in a value", [.. "{\"userName\":\"a"u8, 0xC0, 0x80, .. "\"}"u8], 14 },
        { "0xFF in a value", [.. "{\"userName\":\""u8, 0xFF, .. "\"}"u8], 13 },
        { "truncated sequence", [.. "{\"userName\":\""u8, 0xE4, 0xB8, .. "\"}"u8], 13 },
        { "encoded surrogate", [.. "{\"userName\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8], 13 },
        { "lone high surrogate escape", "{\"userName\":\"\\ud800\"}"u8.ToArray(), 13 },
        { "lone low surrogate escape", "{\"userName\":\"x\\udc00\"}"u8.ToArray(), 14 },
        { "reversed surrogate escapes", "{\"userName\":\"\\udc00\\ud800\"}"u8.ToArray(), 13 },
        { "high surrogate then letter", "{\"\\ud83dx\":1}"u8.ToArray(), 2 },
    };

    [Theory]
    [MemberData(nameof(BadText))]
    public void ResourceReaderTryRead_InvalidTextInString_ReturnsInvalidSyntaxWithOffset(string description, byte[] body, int offset)
    {
        foreach (var type in (ScimResourceTypeDefinition[])[new ScimSchemaRegistry().User, new ScimSchemaRegistry().Group])
        {
            foreach (var mode in (ScimReadMode[])[ScimReadMode.Create, ScimReadMode.Replace, ScimReadMode.Stored])
            {
                Assert.False(new ScimResourceReader(type).TryRead(body, mode, out _, out var error), description);
                Assert.Equal(ScimErrorType.InvalidSyntax, error.Type);
                Assert.Equal(offset, error.Position);
            }
        }
    }

    [Theory]
    [MemberData(nameof(BadText))]
    public void ScimPatchTryParse_InvalidTextInString_ReturnsInvalidSyntaxWithOffset(string description, byte[] body, int offset)
    {
        Assert.False(ScimPatch.TryParse(body, out _, out var error), description);
        Assert.Equal(ScimErrorType.InvalidSyntax, error.Type);
        Assert.Equal(offset, error.Position);
        var thrown = Assert.Throws<ScimException>(() => ScimPatch.Parse(body));
        Assert.Equal(ScimErrorType.InvalidSyntax, thrown.Error.Type);
    }

    [Theory]
    [InlineData("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"\\ud83d\\ude00 \\u00e9 \\\\ud800\"}")] // a pair, a BMP escape, an escaped backslash
    [InlineData("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"\u00e9\u4e2d\ud83d\ude00\"}")]
    public void ResourceReaderTryRead_ValidEscapesAndNonAscii_Reads(string json)
    {
        Assert.True(
            new ScimResourceReader(new ScimSchemaRegistry().User).TryRead(Encoding.UTF8.GetBytes(json), ScimReadMode.Create, out var user, out var error),
            error?.Detail);
        Assert.NotNull(user["userName"]);
    }
}
