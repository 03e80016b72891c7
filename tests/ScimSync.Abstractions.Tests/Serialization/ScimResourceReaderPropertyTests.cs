// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using ScimSync.Schema;
using ScimSync.Serialization;

namespace ScimSync.Abstractions.Tests.Serialization;

/// <summary>
/// Reading UTF-8 text and reading an already-parsed JsonObject (written back to UTF-8 first) must agree on random
/// mixes of valid, invalid, unknown, null and oddly cased members.
/// </summary>
public sealed class ScimResourceReaderPropertyTests
{
    private static readonly string[] s_members =
    [
        "\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"]",
        "\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\",\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"]",
        "\"SCHEMAS\":[\"urn:x:unknown\",\"urn:ietf:params:scim:schemas:core:2.0:User\"]",
        "\"schemas\":\"urn:ietf:params:scim:schemas:core:2.0:User\"",
        "\"schemas\":[1]",
        "\"schemas\":null",
        "\"userName\":\"bjensen\"",
        "\"UserName\":\"b\\u006aensen\"",
        "\"userName\":7",
        "\"userName\":null",
        "\"id\":\"x\"",
        "\"externalId\":\"e\"",
        "\"meta\":{\"resourceType\":\"User\",\"created\":\"2010-01-23T04:56:22Z\",\"version\":\"W/\\\"1\\\"\"}",
        "\"meta\":{\"created\":\"yesterday\"}",
        "\"name\":{\"givenName\":\"B\",\"familyName\":null,\"nick\":\"x\"}",
        "\"name\":\"B\"",
        "\"name\":[{\"givenName\":\"B\"}]",
        "\"name\":{}",
        "\"displayName\":[\"x\"]",
        "\"active\":true",
        "\"active\":\"False\"",
        "\"active\":\"nope\"",
        "\"emails\":[{\"value\":\"a@b.c\",\"type\":\"work\",\"primary\":true},null,{\"value\":\"d@e.f\"}]",
        "\"emails\":[{\"value\":\"a@b.c\",\"primary\":true},{\"value\":\"d@e.f\",\"primary\":true}]",
        "\"emails\":[[]]",
        "\"emails\":[\"a@b.c\"]",
        "\"emails\":{\"value\":\"a@b.c\"}",
        "\"emails\":[]",
        "\"emails\":[{\"value\":1}]",
        "\"emails\":[{\"display\":{}}]",
        "\"photos\":[{\"value\":\"https://example.com/p.jpg\",\"type\":\"photo\"}]",
        "\"x509Certificates\":[{\"value\":\"TUlJRA==\"}]",
        "\"x509Certificates\":[{\"value\":\"***\"}]",
        "\"profileUrl\":\"https://example.com/u\"",
        "\"profileUrl\":\"http://[bad\"",
        "\"groups\":[{\"value\":\"g\"}]",
        "\"shoeSize\":9",
        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"employeeNumber\":\"1\",\"manager\":\"m\",\"custom\":{\"a\":[1,2]},\"extra\":3.5}",
        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"manager\":{\"value\":\"m\",\"displayName\":\"M\"}}",
        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"manager\":\"\"}",
        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"manager\":5}",
        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":[]",
        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{}",
        "\"urn:ietf:params:scim:schemas:core:2.0:User\":{\"userName\":\"x\"}",
        "\"urn:x:other\":{\"a\":1}",
        "\"addresses\":[{\"type\":\"work\",\"primary\":true,\"postalCode\":\"1\"}]",
        "\"phoneNumbers\":[{\"value\":\"1\",\"type\":\"work\",\"primary\":\"true\"}]",
    ];

    private static readonly ScimResourceTypeDefinition s_user = new ScimSchemaRegistry().User;

    [Fact]
    public void TryRead_Utf8_AgreesWithJsonObjectOverload()
    {
        Gen.Select(Gen.Int[0, s_members.Length - 1].Array[0, 10], Gen.Enum<ScimReadMode>(), Gen.Bool)
            .Sample((members, mode, reject) =>
            {
                // The same name twice is a parse error in both; keep the first.
                var json = "{" + string.Join(",", members.Select(i => s_members[i]).GroupBy(m => m[..m.IndexOf("\":", StringComparison.Ordinal)]).Select(g => g.First())) + "}";
                var reader = new ScimResourceReader(s_user, new ScimReaderOptions { RejectUnknownAttributes = reject });

                var fromText = reader.TryRead(Encoding.UTF8.GetBytes(json), mode, out var a, out var errorA);
                var fromNode = reader.TryRead(JsonNode.Parse(json)!.AsObject(), mode, out var b, out var errorB);

                return fromText == fromNode &&
                       (fromText ? a!.ToJsonString() == b!.ToJsonString() && JsonNode.DeepEquals(a, b) : errorA == errorB);
            }, iter: 2000);
    }
}
