// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ScimSync.Schema;
using ScimSync.Serialization;
using ScimSync.Stores;

namespace ScimSync.Benchmarks;

/// <summary>Reading (parse, validate, canonicalise) and writing (project, serialise) the benchmark user.</summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private byte[] _userJson = [];
    private byte[] _storedJson = [];
    private byte[] _storedRelaxedJson = [];
    private JsonObject _user = new();
    private ScimResourceReader _reader = null!;
    private ScimResourceTypeDefinition _userType = null!;
    private const string StoredId = "6afae1e8-63e7-4492-89b8-6451283da361";
    private static readonly JsonSerializerOptions s_relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly DateTimeOffset s_time = new(2026, 11, 28, 15, 7, 34, TimeSpan.Zero);
    private Utf8JsonWriter _writer = null!;
    private Utf8JsonWriter _relaxedWriter = null!;

    // Five groups, as a user of the load cycle has: the store reads each group once per page and shares it.
    private static readonly GroupReference[] s_groups =
    [
        .. Enumerable.Range(1, 5).Select(i => new GroupReference($"0e2d6a4c-93b1-4bd1-8c5e-7f0a1b2c3d{i:D2}", $"Load Group {i}")),
    ];

    [GlobalSetup]
    public void Setup()
    {
        _userType = new ScimSchemaRegistry().User;
        _reader = new ScimResourceReader(_userType);
        _userJson = JsonSerializer.SerializeToUtf8Bytes(BenchInputs.Load("patch_target_user.json")["resource"]);
        _user = _reader.Read(_userJson, ScimReadMode.Stored);
        _storedJson = JsonSerializer.SerializeToUtf8Bytes(_user);
        _storedRelaxedJson = JsonSerializer.SerializeToUtf8Bytes(_user, s_relaxed);
        _writer = new Utf8JsonWriter(_buffer);
        _relaxedWriter = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        WriteStoredUserThroughObjects();
        var through = _buffer.WrittenSpan.ToArray();
        WriteStoredUserFromBytes();
        var direct = _buffer.WrittenSpan.ToArray();
        WriteStoredUserFromRelaxedBytes();
        if (!direct.AsSpan().SequenceEqual(through) || !_buffer.WrittenSpan.SequenceEqual(through))
        {
            throw new InvalidOperationException("The ways of writing the stored user differ.");
        }

        WriteStoredUserWithGroupNodes();
        var nodes = _buffer.WrittenSpan.ToArray();
        WriteStoredUserWithGroups();
        if (!_buffer.WrittenSpan.SequenceEqual(nodes))
        {
            throw new InvalidOperationException("The ways of writing the stored user with groups differ.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        _relaxedWriter.Dispose();
    }

    private const string BaseUrl = "https://example.com/scim/v2";

    // What the server writes as meta, built per response as the server builds it.
    private static JsonObject Meta() => new()
    {
        ["resourceType"] = "User",
        ["created"] = "2026-11-28T15:07:34.000Z",
        ["lastModified"] = "2026-11-28T15:07:34.000Z",
        ["location"] = "https://example.com/scim/v2/Users/" + StoredId,
        ["version"] = "W/\"3\"",
    };

    /// <summary>A POST body as the server reads it: parse, validate against the schema, canonicalise names.</summary>
    [Benchmark]
    public JsonObject ReadUserForCreate() => _reader.Read(_userJson, ScimReadMode.Create);

    /// <summary>
    /// A user as a store returns it (its stored UTF-8 parsed lazily, as <c>JsonNode.Parse</c> does) written as a
    /// response with the default projection: the read path of a GET or a page, per user.
    /// </summary>
    [Benchmark]
    public int ParseAndWriteStoredUser()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        ScimProjection.WriteTo(_writer, JsonNode.Parse(_storedJson)!.AsObject(), _userType);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>
    /// A page's user before responses were written from the stored bytes: the stored UTF-8 parsed lazily, moved into
    /// a wire object (<c>schemas</c>, <c>id</c>, the attributes, <c>meta</c>, as the server's <c>ToWire</c> does) and
    /// written with the default projection, with the server's encoder.
    /// </summary>
    [Benchmark]
    public int WriteStoredUserThroughObjects()
    {
        _buffer.ResetWrittenCount();
        _relaxedWriter.Reset(_buffer);
        var resource = JsonNode.Parse(_storedJson)!.AsObject();
        var properties = resource.ToArray();
        resource.Clear();
        var wire = new JsonObject { ["schemas"] = properties.First(p => p.Key == "schemas").Value, ["id"] = StoredId };
        foreach (var (key, value) in properties)
        {
            if (key is not ("schemas" or "id" or "meta"))
            {
                wire[key] = value;
            }
        }

        wire["meta"] = Meta();
        ScimProjection.WriteTo(_relaxedWriter, wire, _userType);
        _relaxedWriter.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>The same user and output written from the stored bytes (<see cref="ScimProjection.TryWriteStored"/>).</summary>
    [Benchmark]
    public int WriteStoredUserFromBytes()
    {
        _buffer.ResetWrittenCount();
        _relaxedWriter.Reset(_buffer);
        var stored = new StoredResource(StoredId, _storedJson, "3", s_time, s_time);
        ScimProjection.TryWriteStored(_relaxedWriter, stored, _userType, BaseUrl);
        _relaxedWriter.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>
    /// The same from the bytes the SQLite store now keeps: only the escapes JSON requires, so the phone numbers' <c>+</c>
    /// is no longer escaped and their values are copied whole.
    /// </summary>
    [Benchmark]
    public int WriteStoredUserFromRelaxedBytes()
    {
        _buffer.ResetWrittenCount();
        _relaxedWriter.Reset(_buffer);
        var stored = new StoredResource(StoredId, _storedRelaxedJson, "3", s_time, s_time);
        ScimProjection.TryWriteStored(_relaxedWriter, stored, _userType, BaseUrl);
        _relaxedWriter.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>
    /// The user with five groups handed over as nodes, as the SQLite store did before the eleventh pass: a
    /// <c>JsonObject</c> per group, to which the server added a <c>$ref</c> string. Written from the stored bytes.
    /// </summary>
    [Benchmark]
    public int WriteStoredUserWithGroupNodes()
    {
        _buffer.ResetWrittenCount();
        _relaxedWriter.Reset(_buffer);
        var stored = new StoredResource(StoredId, _storedRelaxedJson, "3", s_time, s_time);
        var groups = new JsonArray();
        foreach (var group in s_groups)
        {
            groups.Add((JsonNode)new JsonObject
            {
                ["value"] = group.Id,
                ["display"] = group.DisplayName,
                ["type"] = "direct",
                ["$ref"] = string.Concat(BaseUrl, "/Groups/", Uri.EscapeDataString(group.Id)),
            });
        }

        stored.SetDerivedAttribute("groups", groups);
        ScimProjection.TryWriteStored(_relaxedWriter, stored, _userType, BaseUrl);
        _relaxedWriter.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>
    /// The same user and groups as the store hands them over now: references
    /// (<see cref="StoredResource.SetDerivedGroups"/>), each written with its <c>$ref</c> without a node.
    /// </summary>
    [Benchmark]
    public int WriteStoredUserWithGroups()
    {
        _buffer.ResetWrittenCount();
        _relaxedWriter.Reset(_buffer);
        var stored = new StoredResource(StoredId, _storedRelaxedJson, "3", s_time, s_time);
        stored.SetDerivedGroups([.. s_groups]);
        ScimProjection.TryWriteStored(_relaxedWriter, stored, _userType, BaseUrl);
        _relaxedWriter.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>A stored user written as a response with the default projection.</summary>
    [Benchmark]
    public int WriteUser()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        ScimProjection.WriteTo(_writer, _user, _userType);
        _writer.Flush();
        return _buffer.WrittenCount;
    }
}
