// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Patching;

/// <summary>
/// Records every mutation the PATCH engine makes to a resource so a failed request can be undone by replaying the
/// inverse mutations in reverse order. Cheaper than cloning the resource per request: only touched nodes are kept.
/// </summary>
internal sealed class PatchJournal
{
    private readonly List<Entry> _entries;

    /// <summary>Initializes an empty journal.</summary>
    /// <param name="capacity">The number of mutations expected (one per operation is usual).</param>
    public PatchJournal(int capacity) => _entries = new List<Entry>(capacity);

    private enum Kind
    {
        ObjectSet,
        ObjectInserted,
        ObjectRemoved,
        ArraySet,
        ArrayRemoved,
        ArrayTruncate,
        ArrayContents,
    }

    /// <summary>Sets the member at <paramref name="index"/> (named <paramref name="name"/>) to <paramref name="value"/>.</summary>
    public void SetAt(JsonObject obj, int index, string name, JsonNode? old, JsonNode? value)
    {
        obj.SetAt(index, value);
        _entries.Add(new Entry(Kind.ObjectSet, obj, name, index, old, null));
    }

    /// <summary>Inserts a new member at <paramref name="index"/> (or the end when negative).</summary>
    public void Insert(JsonObject obj, int index, string name, JsonNode? value)
    {
        if (index < 0)
        {
            obj.Add(name, value);
        }
        else
        {
            obj.Insert(index, name, value);
        }

        _entries.Add(new Entry(Kind.ObjectInserted, obj, name, 0, null, null));
    }

    /// <summary>Removes the member at <paramref name="index"/>.</summary>
    public void RemoveAt(JsonObject obj, int index)
    {
        var member = obj.GetAt(index);
        obj.RemoveAt(index);
        _entries.Add(new Entry(Kind.ObjectRemoved, obj, member.Key, index, member.Value, null));
    }

    /// <summary>Replaces the array element at <paramref name="index"/>.</summary>
    public void Set(JsonArray array, int index, JsonNode? value)
    {
        var old = array[index];
        array[index] = value;
        _entries.Add(new Entry(Kind.ArraySet, array, null, index, old, null));
    }

    /// <summary>Removes the array element at <paramref name="index"/>.</summary>
    public void RemoveAt(JsonArray array, int index)
    {
        var old = array[index];
        array.RemoveAt(index);
        _entries.Add(new Entry(Kind.ArrayRemoved, array, null, index, old, null));
    }

    /// <summary>Notes that elements are about to be appended to <paramref name="array"/>.</summary>
    public void BeforeAppend(JsonArray array) =>
        _entries.Add(new Entry(Kind.ArrayTruncate, array, null, array.Count, null, null));

    /// <summary>Replaces the elements of <paramref name="array"/> with <paramref name="kept"/> (a subset, in order).</summary>
    public void ReplaceContents(JsonArray array, List<JsonNode?> kept)
    {
        var old = new JsonNode?[array.Count];
        for (var i = 0; i < old.Length; i++)
        {
            old[i] = array[i];
        }

        array.Clear();
        foreach (var node in kept)
        {
            array.Add(node);
        }

        _entries.Add(new Entry(Kind.ArrayContents, array, null, 0, null, old));
    }

    /// <summary>Undoes every recorded mutation, newest first.</summary>
    public void Rollback()
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            var e = _entries[i];
            switch (e.Kind)
            {
                case Kind.ObjectSet:
                    ((JsonObject)e.Container)[e.Name!] = e.Old;
                    break;
                case Kind.ObjectInserted:
                    ((JsonObject)e.Container).Remove(e.Name!);
                    break;
                case Kind.ObjectRemoved:
                    ((JsonObject)e.Container).Insert(e.Index, e.Name!, e.Old);
                    break;
                case Kind.ArraySet:
                    ((JsonArray)e.Container)[e.Index] = e.Old;
                    break;
                case Kind.ArrayRemoved:
                    ((JsonArray)e.Container).Insert(e.Index, e.Old);
                    break;
                case Kind.ArrayTruncate:
                    var array = (JsonArray)e.Container;
                    for (var n = array.Count - 1; n >= e.Index; n--)
                    {
                        array.RemoveAt(n);
                    }

                    break;
                default:
                    var contents = (JsonArray)e.Container;
                    contents.Clear();
                    foreach (var node in e.Elements!)
                    {
                        contents.Add(node);
                    }

                    break;
            }
        }

        _entries.Clear();
    }

    private readonly record struct Entry(Kind Kind, JsonNode Container, string? Name, int Index, JsonNode? Old, JsonNode?[]? Elements);
}
