// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Patching;
using ScimSync.Schema;
using ScimSync.Serialization;
using ScimSync.Stores;

namespace ScimSync.Abstractions.Tests.Serialization;

/// <summary>
/// <see cref="ScimProjection.TryWriteStored"/> against <see cref="ScimProjection.WriteTo"/> on the wire object the
/// server builds from the same resource: the two must write the same bytes.
/// </summary>
public sealed class ScimProjectionStoredTests
{
    private const string Acme = "urn:example:params:scim:schemas:extension:acme:2.0:User";

    private const string BaseUrl = "https://example.com/scim/v2";

    private static readonly DateTimeOffset s_created = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static readonly ScimResourceTypeDefinition s_user = CreateUserType();

    private static readonly string[] s_paths =
    [
        "userName", "USERNAME", "displayName", "name", "name.givenName", "emails", "emails.value", "emails.PRIMARY", "password", "active",
        "meta", "meta.version", "meta.location", "groups", "groups.display", "id", "schemas", "x-custom", "phoneNumbers.type", "tokens", "tokens.label",
        ScimSchemas.EnterpriseUser, ScimSchemas.EnterpriseUser + ":department", ScimSchemas.EnterpriseUser + ":manager.displayName",
        Acme, Acme + ":keys", Acme + ":keys.label", Acme + ":badge",
    ];

    private static readonly string[] s_texts =
    [
        "plain", "Barbara Jensen", "é accent", "+1 425 555 0100", "<b>&amp;</b>", "quote \" inside", "back\\slash", "line\nbreak", "tab\t",
        "日本語", "emoji 😀", "'single'", string.Empty,
    ];

    [Fact]
    public void TryWriteStored_RandomResourcesAndLists_WritesWhatWriteToWritesForTheWireObject()
    {
        var random = new Random(20261203);
        for (var i = 0; i < 3000; i++)
        {
            var resource = RandomResource(random);
            var relaxedStorage = random.Next(2) == 0;
            var bytes = Encoding.UTF8.GetBytes(resource.ToJsonString(relaxedStorage ? Relaxed : JsonSerializerOptions.Default));
            var (derived, typed) = RandomDerived(random);
            var attributes = random.Next(3) == 0 ? RandomPaths(random) : null;
            var excluded = random.Next(3) == 0 ? RandomPaths(random) : null;
            var relaxedOutput = random.Next(2) == 0;

            var stored = new StoredResource("2819c223", bytes, "3", s_created, s_created.AddHours(1));
            foreach (var (name, value) in derived)
            {
                stored.SetDerivedAttribute(name, value?.DeepClone());
            }

            typed?.Invoke(stored);
            string? direct = null;
            var written = Write(relaxedOutput, writer => direct = ScimProjection.TryWriteStored(writer, stored, s_user, BaseUrl, attributes, excluded) ? "yes" : null);
            var expected = Write(relaxedOutput, writer => ScimProjection.WriteTo(writer, Wire(bytes, derived, typed), s_user, attributes, excluded));

            Assert.True(direct is not null, $"Case {i} was not written directly: {Encoding.UTF8.GetString(bytes)}");
            Assert.True(expected == written, $"Case {i}, attributes={Describe(attributes)}, excluded={Describe(excluded)}\nstored:   {Encoding.UTF8.GetString(bytes)}\nexpected: {expected}\nwritten:  {written}");
        }
    }

    [Fact]
    public void TryWriteStored_OnceResourceWasRead_WritesNothing()
    {
        var stored = new StoredResource("1", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b"}"""u8.ToArray(), "1", s_created, s_created);
        _ = stored.Resource;

        var written = Write(false, writer => Assert.False(ScimProjection.TryWriteStored(writer, stored, s_user, BaseUrl)));

        Assert.Equal(string.Empty, written);
    }

    [Fact]
    public void TryWriteStored_ResourceHeldAsObject_WritesNothing()
    {
        var stored = new StoredResource("1", new JsonObject { ["userName"] = "b" }, "1", s_created, s_created);

        Assert.Equal(string.Empty, Write(false, writer => Assert.False(ScimProjection.TryWriteStored(writer, stored, s_user, BaseUrl))));
    }

    [Theory]
    [InlineData("""{"Schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b"}""")]
    [InlineData("""{"ID":"x","userName":"b"}""")]
    [InlineData("""{"Meta":{},"userName":"b"}""")]
    [InlineData("""{"user\u004Eame":"b"}""")]
    [InlineData("""{"groups":[],"userName":"b"}""")]
    [InlineData("""["not an object"]""")]
    public void TryWriteStored_ShapeLeftToTheObjectPath_WritesNothing(string json)
    {
        var stored = new StoredResource("1", Encoding.UTF8.GetBytes(json), "1", s_created, s_created);
        stored.SetDerivedAttribute("groups", new JsonArray());
        var typed = new StoredResource("1", Encoding.UTF8.GetBytes(json), "1", s_created, s_created);
        typed.SetDerivedGroups([new GroupReference("g", null)]);

        Assert.Equal(string.Empty, Write(false, writer => Assert.False(ScimProjection.TryWriteStored(writer, stored, s_user, BaseUrl))));
        Assert.Equal(string.Empty, Write(false, writer => Assert.False(ScimProjection.TryWriteStored(writer, typed, s_user, BaseUrl))));
    }

    [Fact]
    public void TypedGroupsAndMembers_AreHeldApartUntilRead_ThenJoinTheResource()
    {
        var stored = new StoredResource("1", """{"userName":"b"}"""u8.ToArray(), "1", s_created, s_created);
        stored.SetDerivedAttribute("nickName", "n");
        stored.SetDerivedGroups([new GroupReference("g1", "G"), new GroupReference("g2", null)]);
        stored.SetDerivedMembers([]);

        Assert.True(stored.ContainsAttribute("groups"));
        Assert.True(stored.ContainsAttribute("members"));
        Assert.Single(stored.DerivedAttributes);
        Assert.Equal(2, stored.DerivedGroups!.Count);
        Assert.Equal(
            """{"userName":"b","nickName":"n","groups":[{"value":"g1","display":"G","type":"direct"},{"value":"g2","type":"direct"}],"members":[]}""",
            stored.Resource.ToJsonString());
        Assert.Null(stored.DerivedGroups);
        Assert.Null(stored.DerivedMembers);

        // Once read, setting them sets the resource's attribute.
        stored.SetDerivedMembers([new GroupMember("u1", "User", "U")]);
        stored.SetDerivedGroups(null);
        Assert.Equal(
            """{"userName":"b","nickName":"n","members":[{"value":"u1","display":"U","type":"User"}]}""",
            stored.Resource.ToJsonString());
    }

    [Fact]
    public void TypedGroups_AndANodeOfTheSameName_ReplaceEachOther()
    {
        var stored = new StoredResource("1", """{"userName":"b"}"""u8.ToArray(), "1", s_created, s_created);
        stored.SetDerivedGroups([new GroupReference("g1", null)]);
        stored.SetDerivedAttribute("groups", new JsonArray("node"));

        Assert.Null(stored.DerivedGroups);
        Assert.Single(stored.DerivedAttributes);

        stored.SetDerivedGroups([new GroupReference("g2", null)]);
        Assert.Empty(stored.DerivedAttributes);
        var copy = stored with { Version = "2" };
        Assert.Same(stored.DerivedGroups, copy.DerivedGroups);
        Assert.Equal("""{"userName":"b","groups":[{"value":"g2","type":"direct"}]}""", copy.Resource.ToJsonString());
        Assert.Null((stored with { Resource = [] }).DerivedGroups);
    }

    [Fact]
    public void TryWriteStored_DerivedExtensionOrCommonAttribute_WritesNothing()
    {
        foreach (var name in new[] { ScimSchemas.EnterpriseUser, "meta", "externalId" })
        {
            var stored = new StoredResource("1", """{"userName":"b"}"""u8.ToArray(), "1", s_created, s_created);
            stored.SetDerivedAttribute(name, new JsonObject());

            Assert.False(ScimProjection.TryWriteStored(new Utf8JsonWriter(new ArrayBufferWriter<byte>()), stored, s_user, BaseUrl), name);
        }
    }

    [Fact]
    public void Resource_AfterDerivedAttributes_HoldsThemAtTheEndAndReplacesByName()
    {
        var stored = new StoredResource("1", """{"userName":"b","title":"t"}"""u8.ToArray(), "1", s_created, s_created);
        stored.SetDerivedAttribute("groups", new JsonArray("a"));
        stored.SetDerivedAttribute("nickName", "n");
        stored.SetDerivedAttribute("groups", new JsonArray("b"));

        Assert.Equal(2, stored.DerivedAttributes.Count);
        Assert.Equal("""{"userName":"b","title":"t","groups":["b"],"nickName":"n"}""", stored.Resource.ToJsonString());
        Assert.Empty(stored.DerivedAttributes);

        stored.SetDerivedAttribute("title", "changed");
        Assert.Equal("""{"userName":"b","title":"changed","groups":["b"],"nickName":"n"}""", stored.Resource.ToJsonString());
    }

    [Fact]
    public void ContainsAttribute_ReadsTheStoredNamesWithoutParsing()
    {
        var stored = new StoredResource("1", """{"userName":"b","na\u006De":{"givenName":"x"},"nothing":null}"""u8.ToArray(), "1", s_created, s_created);
        stored.SetDerivedAttribute("groups", null);

        Assert.True(stored.ContainsAttribute("userName"));
        Assert.True(stored.ContainsAttribute("name"));
        Assert.True(stored.ContainsAttribute("nothing"));
        Assert.True(stored.ContainsAttribute("groups"));
        Assert.False(stored.ContainsAttribute("givenName"));
        Assert.False(stored.ContainsAttribute("USERNAME"));

        // Still unparsed: parsing would have moved the derived attribute into the resource.
        Assert.Single(stored.DerivedAttributes);
    }

    [Fact]
    public void With_CopiesDerivedAttributesApart()
    {
        var stored = new StoredResource("1", """{"userName":"b"}"""u8.ToArray(), "1", s_created, s_created);
        stored.SetDerivedAttribute("nickName", "n");
        var copy = stored with { Version = "2" };

        copy.SetDerivedAttribute("title", "t");

        Assert.Single(stored.DerivedAttributes);
        Assert.Equal(2, copy.DerivedAttributes.Count);
        Assert.Equal("""{"userName":"b","nickName":"n"}""", stored.Resource.ToJsonString());
        Assert.Equal("""{"userName":"b","nickName":"n","title":"t"}""", copy.Resource.ToJsonString());
    }

    [Fact]
    public void With_Resource_ReplacesBytesAndDerivedAttributes()
    {
        var stored = new StoredResource("1", """{"userName":"b"}"""u8.ToArray(), "1", s_created, s_created);
        stored.SetDerivedAttribute("nickName", "n");

        var replaced = stored with { Resource = new JsonObject { ["userName"] = "c" } };

        Assert.Empty(replaced.DerivedAttributes);
        Assert.Equal("""{"userName":"c"}""", replaced.Resource.ToJsonString());
        Assert.False(ScimProjection.TryWriteStored(new Utf8JsonWriter(new ArrayBufferWriter<byte>()), replaced, s_user, BaseUrl));
    }

    private static JsonSerializerOptions Relaxed { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // What the server builds: schemas first, then id, the stored attributes but id and meta, the derived ones, meta.
    private static JsonObject Wire(byte[] bytes, List<KeyValuePair<string, JsonNode?>> derived, Action<StoredResource>? typed)
    {
        var resource = JsonNode.Parse(bytes)!.AsObject();
        foreach (var (name, value) in derived)
        {
            resource[name] = value?.DeepClone();
        }

        if (typed is not null)
        {
            // The typed lists as the resource holds them once read, with the $ref the server adds to each.
            var parsed = new StoredResource("2819c223", "{}"u8.ToArray(), "3", s_created, s_created);
            typed(parsed);
            foreach (var (name, value) in parsed.Resource)
            {
                foreach (var item in value!.AsArray())
                {
                    var id = Uri.EscapeDataString((string)item!["value"]!);
                    item["$ref"] = name == "groups" || (string?)item["type"] == "Group" ? $"{BaseUrl}/Groups/{id}" : $"{BaseUrl}/Users/{id}";
                }

                resource[name] = value.DeepClone();
            }
        }

        var properties = resource.ToList();
        resource.Clear();
        var wire = new JsonObject();
        if (properties.FirstOrDefault(p => p.Key == "schemas") is { Key: not null, Value: { } schemas })
        {
            wire["schemas"] = schemas;
        }

        wire["id"] = "2819c223";
        foreach (var (key, value) in properties)
        {
            if (key is not ("schemas" or "id" or "meta"))
            {
                wire[key] = value;
            }
        }

        wire["meta"] = Meta();
        return wire;
    }

    private static JsonObject Meta() => new()
    {
        ["resourceType"] = "User",
        ["created"] = "2026-12-03T10:00:00.000Z",
        ["lastModified"] = "2026-12-03T11:00:00.000Z",
        ["location"] = "https://example.com/scim/v2/Users/2819c223",
        ["version"] = "W/\"3\"",
    };

    private static JsonObject RandomResource(Random random)
    {
        var resource = new JsonObject();
        var withEnterprise = random.Next(3) != 0;
        var withAcme = random.Next(3) == 0;
        if (random.Next(8) != 0)
        {
            var schemas = new JsonArray(ScimSchemas.User);
            if (withEnterprise || random.Next(6) == 0)
            {
                schemas.Add(ScimSchemas.EnterpriseUser);
            }

            if (withAcme)
            {
                schemas.Add(Acme);
            }

            if (random.Next(10) == 0)
            {
                schemas.Add("urn:example:unknown");
            }

            if (random.Next(12) == 0)
            {
                schemas.Add(7);
            }

            resource["schemas"] = schemas;
        }

        Maybe(random, resource, "id", () => "stored-id");
        Maybe(random, resource, "externalId", () => Text(random));
        resource["userName"] = Text(random);
        Maybe(random, resource, "displayName", () => Text(random));
        Maybe(random, resource, "password", () => "t1meMa$heen");
        Maybe(random, resource, "active", () => random.Next(2) == 0);
        Maybe(random, resource, "name", () => new JsonObject { ["givenName"] = Text(random), ["familyName"] = Text(random) });
        Maybe(random, resource, "emails", () => new JsonArray(
            new JsonObject { ["value"] = Text(random), ["type"] = "work", ["primary"] = true },
            new JsonObject { ["value"] = Text(random), ["type"] = "home" }));
        Maybe(random, resource, "phoneNumbers", () => new JsonArray(new JsonObject { ["value"] = "+1 425 555 0100", ["type"] = "work" }));
        Maybe(random, resource, "x-custom", () => random.Next(2) == 0 ? 12.50m : new JsonObject { ["n"] = 1, ["list"] = new JsonArray(1, "two", null, false) });
        Maybe(random, resource, "nickName", () => null);
        Maybe(random, resource, "tokens", () => new JsonObject { ["label"] = Text(random), ["secret"] = "s3" });
        Maybe(random, resource, "meta", () => new JsonObject { ["resourceType"] = "User", ["version"] = "W/\"old\"" });
        if (withEnterprise)
        {
            resource[ScimSchemas.EnterpriseUser] = random.Next(5) switch
            {
                0 => new JsonObject(),
                1 => new JsonObject { ["department"] = null },
                _ => new JsonObject
                {
                    ["department"] = Text(random),
                    ["employeeNumber"] = "701984",
                    ["manager"] = new JsonObject { ["value"] = "26118915", ["displayName"] = Text(random) },
                },
            };
        }

        if (withAcme)
        {
            resource[Acme] = random.Next(4) == 0
                ? new JsonObject { ["keys"] = new JsonArray(new JsonObject { ["secret"] = "s0" }) }
                : new JsonObject
                {
                    ["badge"] = Text(random),
                    ["keys"] = new JsonArray(new JsonObject { ["label"] = Text(random), ["secret"] = "s1" }, new JsonObject { ["secret"] = "s2" }),
                };
        }

        // Stored order varies: schemas last, the extension first.
        return random.Next(4) == 0 ? new JsonObject(resource.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())).ToList()) : resource;
    }

    private static (List<KeyValuePair<string, JsonNode?>> Nodes, Action<StoredResource>? Typed) RandomDerived(Random random)
    {
        var derived = new List<KeyValuePair<string, JsonNode?>>();
        Action<StoredResource>? typed = null;
        switch (random.Next(8))
        {
            case 0:
                derived.Add(new("groups", new JsonArray(
                    new JsonObject { ["value"] = "g1", ["display"] = Text(random), ["type"] = "direct", ["$ref"] = "https://example.com/scim/v2/Groups/g1" },
                    new JsonObject { ["value"] = "g2", ["type"] = "direct" })));
                break;
            case 1:
                derived.Add(new("groups", null));
                break;
            case 2 or 3:
                GroupReference[] groups = [.. Enumerable.Range(0, random.Next(4)).Select(_ => new GroupReference(Text(random), random.Next(3) == 0 ? null : Text(random)))];
                typed = stored => stored.SetDerivedGroups(groups);
                break;
            case 4:
                string?[] types = ["User", "Group", null, "group"];
                GroupMember[] members = [.. Enumerable.Range(0, random.Next(4)).Select(_ => new GroupMember(Text(random), types[random.Next(types.Length)], random.Next(2) == 0 ? null : Text(random)))];
                typed = stored => stored.SetDerivedMembers(members);
                break;
            case 5:
                derived.Add(new("title", Text(random)));
                GroupReference[] one = [new(Text(random), Text(random))];
                typed = stored => stored.SetDerivedGroups(one);
                break;
        }

        return (derived, typed);
    }

    private static AttributePath[] RandomPaths(Random random) =>
        [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => ScimProjectionTests.Path(s_paths[random.Next(s_paths.Length)]))];

    private static void Maybe(Random random, JsonObject resource, string name, Func<JsonNode?> value)
    {
        if (random.Next(3) != 0)
        {
            resource[name] = value();
        }
    }

    private static string Text(Random random) => s_texts[random.Next(s_texts.Length)] + random.Next(100);

    private static string Describe(AttributePath[]? paths) => paths is null ? "null" : string.Join(",", paths.Select(p => p.ToString()));

    private static string Write(bool relaxed, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = relaxed ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : null }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // The user type with the enterprise extension and Acme: a "badge" and "keys" whose "secret" is never returned.
    private static ScimResourceTypeDefinition CreateUserType()
    {
        var registry = new ScimSchemaRegistry();
        registry.AddExtension(ScimResourceTypeNames.User, new ScimSchemaDefinition(Acme, "Acme", null,
        [
            new ScimAttributeDefinition { Name = "badge" },
            new ScimAttributeDefinition
            {
                Name = "keys",
                Type = ScimAttributeType.Complex,
                MultiValued = true,
                SubAttributes = [new() { Name = "label" }, new() { Name = "secret", Returned = ScimReturned.Never }],
            },
        ]));
        var user = registry.User;

        // And in the core schema, "tokens" with a never-returned "secret".
        var tokens = new ScimAttributeDefinition
        {
            Name = "tokens",
            Type = ScimAttributeType.Complex,
            SubAttributes = [new() { Name = "label" }, new() { Name = "secret", Returned = ScimReturned.Never }],
        };
        var core = new ScimSchemaDefinition(user.Schema.Id, user.Schema.Name, null, [.. user.Schema.Attributes, tokens]);
        return new ScimResourceTypeDefinition(user.Name, user.Endpoint, null, core, user.Extensions);
    }
}
