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

    public static TheoryData<bool, string, string?, string?> WriteCases => new()
    {
        { false, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b+j","id":"stale","meta":{}}""", """[{"value":"g 1","display":"Gé","type":"direct"}]""", null },
        { false, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b"}""", null, "groups" },
        { false, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","password":"secret"}""", """[{"value":"g-1","type":"direct"}]""", "groups.value" },
        { true, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G"}""", """[{"value":"u-1","display":"U"},{"value":"g-2","type":"Group"}]""", null },
        { true, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G"}""", "[]", null },
        { true, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G"}""", """[{"value":"u-1"}]""", "displayName" },
    };

    [Theory]
    [MemberData(nameof(WriteCases))]
    public void Write_FromStoredBytes_WritesWhatTheObjectPathWrites(bool isGroup, string json, string? derived, string? attributes)
    {
        foreach (var typed in new[] { false, true })
        {
            WriteFromStoredBytes(isGroup, json, derived, attributes, typed);
        }
    }

    [Fact]
    public void Write_FromStoredBytes_AddsReferencesToTypedGroupsAndMembers()
    {
        var user = new StoredResource("u 1", """{"userName":"b"}"""u8.ToArray(), "1", s_created, s_created);
        user.SetDerivedGroups([new GroupReference("g 1", "G é"), new GroupReference("g/2", null)]);
        var group = new StoredResource("g-1", """{"displayName":"G"}"""u8.ToArray(), "2", s_created, s_created);
        group.SetDerivedMembers([new GroupMember("u 1", "User", "B"), new GroupMember("g/2", "Group"), new GroupMember("x")]);

        var userJson = Write(writer => ScimResourceWriter.Write(writer, user, Users(), "https://host/scim/v2", null, null));
        var groupJson = Write(writer => ScimResourceWriter.Write(writer, group, Groups(), "https://host/scim/v2", null, null));

        var expectedUser = """
            {"id":"u 1","userName":"b","groups":[{"value":"g 1","display":"G é","type":"direct","$ref":"https://host/scim/v2/Groups/g%201"},{"value":"g/2","type":"direct","$ref":"https://host/scim/v2/Groups/g%2F2"}],"meta":{"resourceType":"User","created":"2026-12-03T10:00:00.000Z","lastModified":"2026-12-03T10:00:00.000Z","location":"https://host/scim/v2/Users/u%201","version":"W/\"1\""}}
            """;
        var expectedMembers = """
            "members":[{"value":"u 1","display":"B","type":"User","$ref":"https://host/scim/v2/Users/u%201"},{"value":"g/2","type":"Group","$ref":"https://host/scim/v2/Groups/g%2F2"},{"value":"x","$ref":"https://host/scim/v2/Users/x"}],
            """;
        Assert.Equal(expectedUser, userJson);
        Assert.Contains(expectedMembers, groupJson, StringComparison.Ordinal);
        Assert.NotNull(user.DerivedGroups);
        Assert.NotNull(group.DerivedMembers);
    }

    private static void WriteFromStoredBytes(bool isGroup, string json, string? derived, string? attributes, bool typed)
    {
        var handler = isGroup ? Groups() : Users();
        var name = isGroup ? "members" : "groups";
        var paths = attributes is null ? null : ScimRequest.ParseAttributeList(attributes);
        var fromBytes = new StoredResource("r-1", System.Text.Encoding.UTF8.GetBytes(json), "4", s_created, s_created);
        var fromObject = new StoredResource("r-1", Resource(json, lazilyParsed: true), "4", s_created, s_created);
        if (derived is not null && typed && !isGroup)
        {
            fromBytes.SetDerivedGroups([.. JsonNode.Parse(derived)!.AsArray().Select(g => new GroupReference((string)g!["value"]!, (string?)g["display"]))]);
            fromObject.Resource[name] = JsonNode.Parse(derived);
        }
        else if (derived is not null && typed)
        {
            fromBytes.SetDerivedMembers([.. JsonNode.Parse(derived)!.AsArray().Select(m => new GroupMember((string)m!["value"]!, (string?)m["type"], (string?)m["display"]))]);
            fromObject.Resource[name] = JsonNode.Parse(derived);
        }
        else if (derived is not null)
        {
            fromBytes.SetDerivedAttribute(name, JsonNode.Parse(derived));
            fromObject.Resource[name] = JsonNode.Parse(derived);
        }

        var direct = Write(writer => ScimResourceWriter.Write(writer, fromBytes, handler, "https://host/scim/v2", paths, null));
        var throughObjects = Write(writer => ScimResourceWriter.Write(writer, fromObject, handler, "https://host/scim/v2", paths, null));

        Assert.Equal(throughObjects, direct);

        // Still unparsed, so the direct path wrote it.
        Assert.NotEqual(0, fromBytes.DerivedAttributes.Count + (fromBytes.DerivedGroups ?? []).Count + (fromBytes.DerivedMembers ?? []).Count + (derived is null or "[]" ? 1 : 0));
    }

    [Fact]
    public void Write_FromStoredBytes_AddsReferencesToDerivedAttributes()
    {
        var stored = new StoredResource("u-1", """{"userName":"b"}"""u8.ToArray(), "1", s_created, s_created);
        stored.SetDerivedAttribute("groups", JsonNode.Parse("""[{"value":"g 1","type":"direct"}]"""));

        var json = JsonNode.Parse(Write(writer => ScimResourceWriter.Write(writer, stored, Users(), "https://host/scim/v2", null, null)))!;

        Assert.Equal("https://host/scim/v2/Groups/g%201", (string?)json["groups"]![0]!["$ref"]);
        Assert.Equal(["id", "userName", "groups", "meta"], json.AsObject().Select(p => p.Key));
    }

    private static string Write(Action<System.Text.Json.Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static ScimResourceHandler Groups() =>
        new(s_registry.Group, new ScimCompatibility(), _ => throw new InvalidOperationException(), isGroup: true);

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
