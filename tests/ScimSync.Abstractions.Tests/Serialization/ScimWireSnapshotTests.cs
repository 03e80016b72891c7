// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;
using System.Text.Json;
using Newtonsoft.Json.Linq;
using ScimSync.Patching;
using ScimSync.Schema;
using ScimSync.Serialization;
using Snapshooter.Xunit;

namespace ScimSync.Abstractions.Tests.Serialization;

// Snapshooter serializes with Newtonsoft, so the wire JSON is parsed into a JToken before matching.
public sealed class ScimWireSnapshotTests
{
    [Fact]
    public void WriteTo_EnterpriseUserCreatedWithMixedCase_MatchesSnapshot()
    {
        var user = new ScimSchemaRegistry().User;
        var body = """
            {
              "Schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "id": "ignored-on-create",
              "USERNAME": "bjensen@example.com",
              "Password": "t1meMa$heen",
              "Active": "True",
              "Name": { "GivenName": "Barbara", "familyname": "Jensen", "middleName": null },
              "Emails": [ { "Value": "bjensen@example.com", "Type": "work", "Primary": true }, { "value": "babs@jensen.org" } ],
              "PhoneNumbers": [],
              "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": { "Department": "Tour Operations", "manager": "26118915" }
            }
            """;
        var resource = new ScimResourceReader(user).Read(Encoding.UTF8.GetBytes(body), ScimReadMode.Create);
        resource["id"] = "2819c223-7f76-453a-919d-413861904646";

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ScimProjection.WriteTo(writer, resource, user, excludedAttributes: [new AttributePath(null, "emails", "type")]);
        }

        Snapshot.Match(JToken.Parse(Encoding.UTF8.GetString(buffer.WrittenSpan)));
    }

    [Fact]
    public void ToSchemaRepresentation_EnterpriseUser_MatchesSnapshot()
    {
        var schema = ScimDiscoveryJson.ToSchemaRepresentation(ScimCoreSchemas.EnterpriseUser, "https://example.com/v2");

        Snapshot.Match(JToken.Parse(schema.ToJsonString()));
    }
}
