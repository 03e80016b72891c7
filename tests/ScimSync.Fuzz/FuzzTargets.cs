// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;
using ScimSync.Schema;
using ScimSync.Serialization;

namespace ScimSync.Fuzz;

/// <summary>
/// The fuzzed entry points. Each takes raw bytes and returns whether the input was accepted. Bad input must end in a
/// <see cref="ScimError"/> (from a Try method) or a <see cref="ScimException"/> (from a throwing one), the only
/// failures the API documents; any other exception, or a broken invariant (<see cref="FuzzInvariantException"/>),
/// is a crash.
/// </summary>
public static class FuzzTargets
{
    /// <summary>Gets the targets by name.</summary>
    public static IReadOnlyDictionary<string, Func<byte[], bool>> All { get; } = new Dictionary<string, Func<byte[], bool>>(StringComparer.Ordinal)
    {
        ["filter"] = Filter,
        ["path"] = Path,
        ["patch"] = Patch,
        ["resource"] = Resource,
    };

    /// <summary>Gets whether an exception is one the API documents for bad input.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="true"/> for <see cref="ScimException"/>.</returns>
    public static bool IsExpected(Exception exception) => exception is ScimException;

    /// <summary>The filter parser (RFC 7644 §3.4.2.2), its formatter and the evaluator on a fixed user.</summary>
    /// <param name="input">The filter text as UTF-8 (invalid sequences become U+FFFD).</param>
    /// <returns>Whether the text parsed.</returns>
    public static bool Filter(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var parsed = ScimFilter.TryParse(text, out var filter, out var error);
        Expect(parsed ^ error is not null, "TryParse must return either a filter or an error");
        ThrowsOnlyScimException(() => ScimFilter.Parse(text), parsed);
        if (!parsed)
        {
            Expect(error!.Position is null || (error.Position >= 0 && error.Position <= text.Length), $"error position {error.Position} outside 0..{text.Length}");
            return false;
        }

        var formatted = ScimFilter.Format(filter!);
        Expect(ScimFilter.TryParse(formatted, out var again, out var againError), $"formatted filter does not parse: {formatted}: {againError?.Detail}");
        Expect(again!.Equals(filter), $"parse(format(f)) != f for {formatted}");

        if (Fixtures.UserEvaluator.Validate(filter!) is null)
        {
            _ = Fixtures.UserEvaluator.Matches(filter!, Fixtures.User);
        }
        else
        {
            try
            {
                _ = Fixtures.UserEvaluator.Matches(filter!, Fixtures.User);
            }
            catch (ScimException)
            {
            }
        }

        return true;
    }

    /// <summary>The attribute path parsers: single paths, lists (<c>attributes=</c>) and PATCH paths.</summary>
    /// <param name="input">The path text as UTF-8.</param>
    /// <returns>Whether any of the parsers accepted it.</returns>
    public static bool Path(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var single = AttributePath.TryParse(text, out var attribute, out _);
        ThrowsOnlyScimException(() => AttributePath.Parse(text), single);
        if (single)
        {
            Expect(AttributePath.Parse(attribute!.ToString()) == attribute, $"AttributePath round trip failed for {attribute}");
        }

        var list = AttributePath.TryParseList(text, out _, out _);
        ThrowsOnlyScimException(() => AttributePath.ParseList(text), list);

        var patchPath = PatchPath.TryParse(text, out var path, out _);
        ThrowsOnlyScimException(() => PatchPath.Parse(text), patchPath);
        if (patchPath)
        {
            Expect(PatchPath.Parse(path!.ToString()) == path, $"PatchPath round trip failed for {path}");
        }

        return single || list || patchPath;
    }

    /// <summary>The PATCH body parser (RFC 7644 §3.5.2), then the engine on a fixed user and a fixed group.</summary>
    /// <param name="input">The request body.</param>
    /// <returns>Whether the body parsed.</returns>
    public static bool Patch(byte[] input)
    {
        var parsed = ScimPatch.TryParse(input, out var request, out _);
        ThrowsOnlyScimException(() => ScimPatch.Parse(input), parsed);
        if (!parsed)
        {
            return false;
        }

        Apply(Fixtures.UserPatch, Fixtures.User, request!);
        Apply(Fixtures.GroupPatch, Fixtures.Group, request!);
        return true;
    }

    /// <summary>The resource reader for users and groups, in every mode, lenient and strict.</summary>
    /// <param name="input">The resource JSON.</param>
    /// <returns>Whether any reader accepted it.</returns>
    public static bool Resource(byte[] input)
    {
        var accepted = false;
        foreach (var reader in (ScimResourceReader[])[Fixtures.UserReader, Fixtures.GroupReader, Fixtures.StrictUserReader])
        {
            foreach (var mode in (ScimReadMode[])[ScimReadMode.Create, ScimReadMode.Replace, ScimReadMode.Stored])
            {
                var read = reader.TryRead(input, mode, out var resource, out var error);
                Expect(read ^ error is not null, "TryRead must return either a resource or an error");
                ThrowsOnlyScimException(() => reader.Read(input, mode), read);
                if (read)
                {
                    accepted = true;

                    // What the reader produced is canonical: reading it again as stored data must succeed.
                    Expect(
                        reader.TryRead(resource!, ScimReadMode.Stored, out _, out var again),
                        $"canonical output does not read back: {again?.Detail}");
                }
            }
        }

        return accepted;
    }

    private static void Apply(ScimPatchEngine engine, JsonObject original, PatchRequest request)
    {
        var copy = original.DeepClone().AsObject();
        var result = engine.Apply(copy, request);
        if (!result.Succeeded)
        {
            Expect(result.Error is not null, "a failed PATCH must carry an error");
            Expect(JsonNode.DeepEquals(original, copy), $"a failed PATCH was half-applied: {copy.ToJsonString()}");
        }

        var again = original.DeepClone().AsObject();
        try
        {
            _ = engine.ApplyOrThrow(again, request);
            Expect(result.Succeeded, "ApplyOrThrow succeeded where Apply failed");
            Expect(JsonNode.DeepEquals(copy, again), "Apply and ApplyOrThrow disagree");
        }
        catch (ScimException)
        {
            Expect(!result.Succeeded, "ApplyOrThrow threw where Apply succeeded");
        }
    }

    private static void ThrowsOnlyScimException(Action parse, bool shouldSucceed)
    {
        try
        {
            parse();
            Expect(shouldSucceed, "the throwing parser accepted what TryParse rejected");
        }
        catch (ScimException)
        {
            Expect(!shouldSucceed, "the throwing parser rejected what TryParse accepted");
        }
    }

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(message);
        }
    }

    // Built on first use, not when the class loads: under AFL, SharpFuzz must set up its coverage map before any
    // instrumented code (ScimSync.Abstractions) runs.
    private static class Fixtures
    {
        public static readonly ScimSchemaRegistry Registry = new();
        public static readonly ScimFilterEvaluator UserEvaluator = new(Registry.User);
        public static readonly ScimPatchEngine UserPatch = new(Registry.User);
        public static readonly ScimPatchEngine GroupPatch = new(Registry.Group);
        public static readonly ScimResourceReader UserReader = new(Registry.User);
        public static readonly ScimResourceReader GroupReader = new(Registry.Group);
        public static readonly ScimResourceReader StrictUserReader =
            new(Registry.User, new ScimReaderOptions { Compatibility = ScimCompatibility.Strict, RejectUnknownAttributes = true });

        public static readonly JsonObject User = JsonNode.Parse("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "id":"2819c223-7f76-453a-919d-413861904646","externalId":"701984","userName":"bjensen@example.com",
             "name":{"formatted":"Ms. Barbara J Jensen, III","familyName":"Jensen","givenName":"Barbara"},
             "displayName":"Babs Jensen","title":"Tour Guide","active":true,
             "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
             "phoneNumbers":[{"value":"555-555-5555","type":"work"}],
             "addresses":[{"type":"work","streetAddress":"100 Universal City Plaza","locality":"Hollywood","primary":true}],
             "meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","version":"W/\"3694e05e9dff590\""},
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","department":"Tour Operations","manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}}}
            """)!.AsObject();

        public static readonly JsonObject Group = JsonNode.Parse("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"e9e30dba-f08f-4109-8486-d5c6a331660a",
             "displayName":"Tour Guides",
             "members":[{"value":"2819c223-7f76-453a-919d-413861904646","type":"User"},{"value":"902c246b-6245-4190-8e05-00816be7344a","type":"User"}]}
            """)!.AsObject();
    }
}

/// <summary>An invariant of a fuzz target was broken: a crash, like an unexpected exception.</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public FuzzInvariantException()
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What was broken.</param>
    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What was broken.</param>
    /// <param name="innerException">The cause.</param>
    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
