// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json.Nodes;
using ScimSync.Abstractions.Tests.Serialization;
using ScimSync.Schema;
using ScimSync.Serialization;

namespace ScimSync.Abstractions.Tests.Schema;

public sealed class ScimTypedRecordTests
{
    [Theory]
    [InlineData("8.1")]
    [InlineData("8.2")]
    [InlineData("8.3")]
    public void ScimUser_Rfc7643Example_RoundTripsWithoutPassword(string section)
    {
        var text = Rfc7643Examples.Text(section switch
        {
            "8.1" => Rfc7643Examples.MinimalUser,
            "8.2" => Rfc7643Examples.FullUser,
            _ => Rfc7643Examples.EnterpriseUser,
        });
        var expected = JsonNode.Parse(text)!.AsObject();
        expected.Remove("password");

        var fromBytes = ScimUser.FromUtf8Json(Encoding.UTF8.GetBytes(text));
        var fromCanonical = ScimUser.FromJson(new ScimResourceReader(new ScimSchemaRegistry().User).Read(Encoding.UTF8.GetBytes(text), ScimReadMode.Stored));

        Assert.True(JsonNode.DeepEquals(expected, fromBytes.ToJson()), fromBytes.ToJson().ToJsonString());
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(fromCanonical.ToUtf8Json())), Encoding.UTF8.GetString(fromCanonical.ToUtf8Json()));
    }

    [Fact]
    public void ScimUser_EnterpriseExample_MapsTypedMembers()
    {
        var user = ScimUser.FromUtf8Json(Encoding.UTF8.GetBytes(Rfc7643Examples.Text(Rfc7643Examples.EnterpriseUser)));

        Assert.Equal("t1meMa$heen", user.Password);
        Assert.Equal("Barbara", user.Name?.GivenName);
        Assert.Equal(true, user.Emails?[0].Primary);
        Assert.Equal("../Groups/e9e30dba-f08f-4109-8486-d5c6a331660a", user.Groups?[0].Ref);
        Assert.Equal("John Smith", user.EnterpriseUser?.Manager?.DisplayName);
        Assert.Equal(new DateTimeOffset(2011, 5, 13, 4, 42, 34, TimeSpan.Zero), user.Meta?.LastModified);
        Assert.Null(user.Extensions);
        Assert.DoesNotContain("t1meMa", user.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ScimUser_MixedCaseInputAndOtherExtension_KeepsExtensionBag()
    {
        const string urn = "urn:example:params:scim:schemas:extension:acme:2.0:User";
        var json = """{"USERNAME":"b","PASSWORD":"s","urn:ietf:params:scim:schemas:extension:enterprise:2.0:user":{"Department":"x"},"URN":{"badge":"7","n":{"deep":[1]}}}"""
            .Replace("URN", urn, StringComparison.Ordinal);

        var user = ScimUser.FromUtf8Json(Encoding.UTF8.GetBytes(json));
        var written = user.ToJson();

        Assert.Equal("b", user.UserName);
        Assert.Equal("s", user.Password);
        Assert.Equal("x", user.EnterpriseUser?.Department);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"badge":"7","n":{"deep":[1]}}"""), written[urn]));
        Assert.False(written.ContainsKey("password"));
    }

    [Fact]
    public void ScimUser_PasswordSetInCode_IsNeverWritten()
    {
        var user = new ScimUser { UserName = "b", Password = "secret" };

        var json = Encoding.UTF8.GetString(user.ToUtf8Json());

        Assert.Equal("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b"}""", json);
    }

    [Fact]
    public void ScimGroup_Rfc7643Example_RoundTrips()
    {
        var text = Rfc7643Examples.Group;

        var group = ScimGroup.FromUtf8Json(Encoding.UTF8.GetBytes(text));

        Assert.Equal("Mandy Pepperidge", group.Members?[1].Display);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(text), group.ToJson()), group.ToJson().ToJsonString());
        Assert.Equal(group, ScimGroup.FromJson(group.ToJson()) with { Members = group.Members, Schemas = group.Schemas });
    }

    [Fact]
    public void ScimMeta_OffsetDateTime_WritesUtcXsdDateTime()
    {
        var group = new ScimGroup
        {
            DisplayName = "g",
            Meta = new ScimMeta { Created = new DateTimeOffset(2010, 1, 23, 6, 56, 22, 500, TimeSpan.FromHours(2)) },
        };

        var json = group.ToJson();

        Assert.Equal("2010-01-23T04:56:22.5Z", (string?)json["meta"]!["created"]);
    }
}
