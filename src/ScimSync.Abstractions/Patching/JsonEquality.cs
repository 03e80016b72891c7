// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimSync.Patching;

/// <summary>
/// <see cref="JsonNode.DeepEquals"/> with fast answers for the comparisons the engine makes most: a stored value still
/// in its parsed document against a value the engine built. JsonNode.DeepEquals answers those by serialising the
/// built value into a new JsonDocument; here strings compare through <see cref="JsonElement.ValueEquals(string)"/>.
/// Anything not clearly covered goes to JsonNode.DeepEquals, so the answers are the same.
/// </summary>
internal static class JsonEquality
{
    // The type of the values JsonNode.Parse makes: a type test is cheaper than TryGetValue<JsonElement>, a generic
    // virtual call.
    private static readonly Type s_elementValueType = JsonValue.Create(JsonDocument.Parse("\"\"").RootElement)!.GetType();

    /// <summary>Whether <paramref name="value"/> is still backed by the document it was parsed from.</summary>
    public static bool IsParsed(JsonValue value) => value.GetType() == s_elementValueType;

    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return JsonNode.DeepEquals(a, b);
        }

        switch (a)
        {
            case JsonValue va when b is JsonValue vb:
                return ValuesEqual(va, vb) ?? JsonNode.DeepEquals(a, b);
            case JsonObject oa when b is JsonObject ob:
                if (oa.Count != ob.Count)
                {
                    return false;
                }

                foreach (var (name, value) in oa)
                {
                    if (!ob.TryGetPropertyValue(name, out var other) || !DeepEquals(value, other))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray aa when b is JsonArray ab:
                if (aa.Count != ab.Count)
                {
                    return false;
                }

                for (var i = 0; i < aa.Count; i++)
                {
                    if (!DeepEquals(aa[i], ab[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return JsonNode.DeepEquals(a, b);
        }
    }

    // Two parsed values: the same JSON text is the same value, and two strings without escapes differ when their
    // texts do. Anything else (escapes, numbers written differently) is left to JsonElement.DeepEquals.
    private static bool ParsedValuesEqual(JsonElement a, JsonElement b)
    {
        var rawA = JsonMarshal.GetRawUtf8Value(a);
        var rawB = JsonMarshal.GetRawUtf8Value(b);
        if (rawA.SequenceEqual(rawB))
        {
            return true;
        }

        var plainStrings = rawA[0] == (byte)'"' && rawB[0] == (byte)'"' && !rawA.Contains((byte)'\\') && !rawB.Contains((byte)'\\');
        return !plainStrings && JsonElement.DeepEquals(a, b);
    }

    // Null when the answer is left to JsonNode.DeepEquals.
    private static bool? ValuesEqual(JsonValue a, JsonValue b)
    {
        if (IsParsed(a) && IsParsed(b) && a.TryGetValue(out JsonElement parsedA) && b.TryGetValue(out JsonElement parsedB))
        {
            // The common comparison (a stored value against one from the request) needs neither kind.
            return ParsedValuesEqual(parsedA, parsedB);
        }

        var kind = a.GetValueKind();
        if (kind != b.GetValueKind())
        {
            return null;
        }

        switch (kind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                return true;
            case JsonValueKind.String:
                JsonElement ea = default, eb = default;
                var aIsElement = IsParsed(a) && a.TryGetValue(out ea);
                var bIsElement = IsParsed(b) && b.TryGetValue(out eb);
                if (aIsElement == bIsElement)
                {
                    return !a.TryGetValue<string>(out var sa) || !b.TryGetValue<string>(out var sb)
                        ? null
                        : string.Equals(sa, sb, StringComparison.Ordinal);
                }

                return aIsElement
                    ? b.TryGetValue<string>(out var textB) ? ea.ValueEquals(textB) : null
                    : a.TryGetValue<string>(out var textA) ? eb.ValueEquals(textA) : null;
            default:
                return null;
        }
    }
}
