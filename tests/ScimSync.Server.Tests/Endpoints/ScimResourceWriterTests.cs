// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Schema;
using ScimSync.Server.Internal;
using ScimSync.Stores;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class ScimResourceWriterTests
{
    private static readonly ScimSchemaRegistry s_registry = new();
    private static readonly DateTimeOffset s_created = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ToWire_PutsSchemasAndIdFirst_AndReplacesStoredIdAndMeta(bool lazilyParsed)
    {
        const string stored = """
            {"userName":"bjensen","id":"stale","meta":{"resourceType":"Stale","version":"W/\"0\""},
             "schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"displayName":"Barbara"}
            """;
        var resource = Resource(stored, lazilyParsed);

        var wire = ScimResourceWriter.ToWire(new StoredResource("u-1", resource, "7", s_created, s_created.AddHours(1)), Users(), "https://host/scim/v2");

        Assert.Equal(["schemas", "id", "userName", "displayName", "meta"], wire.Select(p => p.Key));
        Assert.Equal("u-1", (string?)wire["id"]);
        Assert.Equal("User", (string?)wire["meta"]!["resourceType"]);
        Assert.Equal("W/\"7\"", (string?)wire["meta"]!["version"]);
        Assert.Equal("2026-12-03T10:00:00.000Z", (string?)wire["meta"]!["created"]);
        Assert.Equal("2026-12-03T11:00:00.000Z", (string?)wire["meta"]!["lastModified"]);
        Assert.Equal("https://host/scim/v2/Users/u-1", (string?)wire["meta"]!["location"]);
        Assert.Equal("Barbara", (string?)wire["displayName"]);
    }

    [Fact]
    public void ToWire_WithoutStoredSchemas_StartsWithId()
    {
        var wire = ScimResourceWriter.ToWire(
            new StoredResource("u 2", Resource("""{"userName":"x","meta":{}}""", lazilyParsed: true), "1", s_created, s_created), Users(), "https://host/scim/v2");

        Assert.Equal(["id", "userName", "meta"], wire.Select(p => p.Key));
        Assert.Equal("https://host/scim/v2/Users/u%202", (string?)wire["meta"]!["location"]);
    }

    [Fact]
    public void ToWire_AddsGroupReferences_AndLeavesOutAnEmptyMemberList()
    {
        var groups = new ScimResourceHandler(s_registry.Group, new ScimCompatibility(), _ => throw new InvalidOperationException(), isGroup: true);
        var empty = ScimResourceWriter.ToWire(
            new StoredResource("g-1", Resource("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[]}""", true), "1", s_created, s_created),
            groups,
            "https://host/scim/v2");
        Assert.Null(empty["members"]);

        var user = ScimResourceWriter.ToWire(
            new StoredResource("u-3", Resource("""{"userName":"x","groups":[{"value":"g-1","display":"G","type":"direct"}]}""", true), "1", s_created, s_created),
            Users(),
            "https://host/scim/v2");
        Assert.Equal("https://host/scim/v2/Groups/g-1", (string?)user["groups"]![0]!["$ref"]);
    }

    private static ScimResourceHandler Users() =>
        new(s_registry.User, new ScimCompatibility(), _ => throw new InvalidOperationException(), isGroup: false);

    // A resource as the SQLite and PostgreSQL stores return it (parsed and still lazy), or already materialised.
    private static JsonObject Resource(string json, bool lazilyParsed)
    {
        var resource = JsonNode.Parse(json)!.AsObject();
        if (!lazilyParsed)
        {
            _ = resource.Count;
        }

        return resource;
    }
}
