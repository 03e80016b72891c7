// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ScimSync.Schema;
using ScimSync.Serialization;

namespace ScimSync.Benchmarks;

/// <summary>Reading (parse, validate, canonicalise) and writing (project, serialise) the benchmark user.</summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private byte[] _userJson = [];
    private byte[] _storedJson = [];
    private JsonObject _user = new();
    private ScimResourceReader _reader = null!;
    private ScimResourceTypeDefinition _userType = null!;
    private Utf8JsonWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _userType = new ScimSchemaRegistry().User;
        _reader = new ScimResourceReader(_userType);
        _userJson = JsonSerializer.SerializeToUtf8Bytes(BenchInputs.Load("patch_target_user.json")["resource"]);
        _user = _reader.Read(_userJson, ScimReadMode.Stored);
        _storedJson = JsonSerializer.SerializeToUtf8Bytes(_user);
        _writer = new Utf8JsonWriter(_buffer);
    }

    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

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
