// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using CsCheck;
using ScimSync.Patching;
using static ScimSync.Abstractions.Tests.Patching.PatchFixtures;

namespace ScimSync.Abstractions.Tests.Patching;

/// <summary>Property tests: atomicity, idempotent replace, and honest change reporting.</summary>
public sealed class ScimPatchPropertyTests
{
    // Each succeeds on the full user whatever ran before it (lenient defaults).
    private static readonly string[] s_validOperations =
    [
        """{"op":"replace","path":"displayName","value":"D1"}""",
        """{"op":"Add","path":"nickName","value":"N"}""",
        """{"op":"remove","path":"title"}""",
        """{"op":"replace","path":"name.givenName","value":"G"}""",
        """{"op":"remove","path":"name.middleName"}""",
        """{"op":"add","path":"emails","value":[{"value":"p@q.r","type":"other","primary":true}]}""",
        """{"op":"remove","path":"emails[type eq \"home\"]"}""",
        """{"op":"Replace","path":"emails[type eq \"work\"].value","value":"w@x.y"}""",
        """{"op":"replace","path":"phoneNumbers","value":[{"value":"1","type":"work"}]}""",
        """{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter","value":"C"}""",
        """{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"}""",
        """{"op":"Replace","path":"active","value":"False"}""",
        """{"op":"replace","path":"addresses[type eq \"home\"].primary","value":true}""",
        """{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}""",
        """{"op":"replace","value":{"title":"T","userType":"U"}}""",
        """{"op":"remove","path":"emails"}""",
        """{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"division":"V"}}}""",
        """{"op":"remove","path":"x509Certificates"}""",
    ];

    private static readonly string[] s_failingOperations =
    [
        """{"op":"replace","path":"id","value":"x"}""",
        """{"op":"add","path":"shoeSize","value":"9"}""",
        """{"op":"replace","path":"active","value":"yes"}""",
        """{"op":"remove","path":"userName"}""",
        """{"op":"replace","path":"addresses[type eq \"nope\"]","value":{"locality":"x"}}""",
        """{"op":"add","path":"emails","value":[{"value":"a@b.c","primary":true},{"value":"d@e.f","primary":true}]}""",
        """{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"displayName":"x"}}""",
    ];

    private static readonly string[] s_replaceOperations =
    [
        """{"op":"replace","path":"displayName","value":"R"}""",
        """{"op":"replace","path":"name","value":{"givenName":"A","familyName":"B"}}""",
        """{"op":"replace","path":"emails","value":[{"value":"a@b.c","type":"work","primary":true},{"value":"d@e.f"}]}""",
        """{"op":"replace","path":"emails[type eq \"home\"].value","value":"h@h.h"}""",
        """{"op":"replace","path":"addresses[type eq \"work\"]","value":{"type":"work","locality":"L","primary":true}}""",
        """{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m"}""",
        """{"op":"replace","value":{"active":false,"title":"Z","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"costCenter":"1"}}}""",
        """{"op":"replace","path":"phoneNumbers[type eq \"work\"].primary","value":true}""",
    ];

    private static readonly ScimPatchEngine s_engine = new(UserType);

    private static PatchRequest RequestOf(IEnumerable<string> operations) => Request("[" + string.Join(",", operations) + "]");

    [Fact]
    public void Apply_RandomOperationsWithFailingOneInserted_NeverHalfApplies()
    {
        Gen.Select(Gen.Int[0, s_validOperations.Length - 1].Array[0, 10], Gen.Int[0, s_failingOperations.Length - 1], Gen.Int[0, 10])
            .Sample((valid, failing, position) =>
            {
                var operations = valid.Select(i => s_validOperations[i]).ToList();
                operations.Insert(Math.Min(position, operations.Count), s_failingOperations[failing]);
                var user = Parse(FullUser);
                var before = user.ToJsonString();

                var result = s_engine.Apply(user, RequestOf(operations));

                return !result.Succeeded && !result.Changed && user.ToJsonString() == before;
            }, iter: 300);
    }

    [Fact]
    public void Apply_RandomValidOperations_SucceedAndReportChangeExactly()
    {
        Gen.Int[0, s_validOperations.Length - 1].Array[1, 12]
            .Sample(valid =>
            {
                var user = Parse(FullUser);
                foreach (var index in valid)
                {
                    var before = JsonNode.Parse(user.ToJsonString());
                    var result = s_engine.Apply(user, RequestOf([s_validOperations[index]]));
                    if (!result.Succeeded || result.Changed == JsonNode.DeepEquals(before, user))
                    {
                        return false;
                    }
                }

                return true;
            }, iter: 200);
    }

    [Fact]
    public void Apply_ReplaceTwice_EqualsReplaceOnce()
    {
        Gen.Select(Gen.Int[0, s_validOperations.Length - 1].Array[0, 6], Gen.Int[0, s_replaceOperations.Length - 1].Array[1, 4])
            .Sample((setup, replaces) =>
            {
                var user = Parse(FullUser);
                if (setup.Length > 0)
                {
                    s_engine.Apply(user, RequestOf(setup.Select(i => s_validOperations[i])));
                }

                var request = RequestOf(replaces.Select(i => s_replaceOperations[i]));

                var first = s_engine.Apply(user, request);
                var once = user.ToJsonString();
                var second = s_engine.Apply(user, request);

                return first.Succeeded && second.Succeeded && !second.Changed && user.ToJsonString() == once;
            }, iter: 200);
    }
}
