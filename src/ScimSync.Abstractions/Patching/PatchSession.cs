// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Internal;
using ScimSync.Schema;

namespace ScimSync.Patching;

/// <summary>Applies one PATCH request to one resource, journaling every mutation so a failure can be undone.</summary>
internal sealed class PatchSession
{
    private const string PrimaryName = "primary";
    private const string ValueName = "value";
    private const int MaxSnapshotValues = 1000;

    private readonly ScimResourceTypeDefinition _type;
    private readonly ScimCompatibility _compat;
    private readonly ScimFilterEvaluator _evaluator;
    private readonly JsonObject _resource;
    private PatchJournal _journal = null!;
    private int _operationCount;
    private List<string>? _changed;

    public PatchSession(ScimResourceTypeDefinition type, ScimCompatibility compat, ScimFilterEvaluator evaluator, JsonObject resource)
    {
        _type = type;
        _compat = compat;
        _evaluator = evaluator;
        _resource = resource;
    }

    public PatchResult Run(PatchRequest request)
    {
        // Parsed requests hold an array; a span spares an interface call per look at an operation.
        ReadOnlySpan<PatchOperation> operations = request.Operations as PatchOperation[] ?? [.. request.Operations];
        _operationCount = operations.Length;
        _journal = new PatchJournal(Math.Max(operations.Length, 1));
        var snapshots = operations.Length > 1 && !NameDistinctAttributes(operations) ? TakeSnapshots(operations) : null;
        try
        {
            for (var i = 0; i < operations.Length; i++)
            {
                var operation = operations[i];
                var error = operation.Path is { } path
                    ? ApplyPath(operation.Type, path, operation.Value)
                    : ApplyWithoutPath(operation.Type, operation.Value);
                if (error is not null)
                {
                    _journal.Rollback();
                    return PatchResult.Failure(error with { Detail = $"Operation {i} ({ScimPatch.ToWireName(operation.Type)}): {error.Detail}" });
                }
            }
        }
        catch
        {
            // Not a catch ladder: whatever went wrong, the caller's resource must not be left half-patched.
            _journal.Rollback();
            throw;
        }

        if (snapshots is not null && _changed is not null)
        {
            DropNetUnchanged(snapshots);
        }

        return PatchResult.Success(_changed is { Count: > 0 } ? _changed : (IReadOnlyList<string>)[]);
    }

    // Several operations on one attribute can cancel out (remove then add the same value). Attributes named by
    // more than one operation are copied first, so that the result reports only net changes; others need no copy.
    private List<Snapshot>? TakeSnapshots(ReadOnlySpan<PatchOperation> operations)
    {
        var targets = new List<Target>();
        foreach (var operation in operations)
        {
            CollectTargets(operation, targets);
        }

        List<Snapshot>? snapshots = null;
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            if (!IsNamedAgain(targets, i) || HasSnapshot(snapshots, target.Attribute))
            {
                continue;
            }

            var current = GetContainer(target, create: false)?.GetPropertyIgnoreCase(target.Attribute.Name);
            if (current is JsonArray { Count: > MaxSnapshotValues })
            {
                // Copying a huge member list costs more than an occasional version bump for a net no-op.
                continue;
            }

            var prefix = target.IsExtension ? string.Concat(target.Schema.Id, ":", target.Attribute.Name) : target.Attribute.Name;
            (snapshots ??= []).Add(new Snapshot(target, prefix, current?.DeepClone()));
        }

        return snapshots;
    }

    // True when every operation has a path and no two paths name the same attribute (by name, whatever the schema):
    // then no attribute is touched twice and no snapshot is needed, which spares resolving every path twice (the
    // common Entra ID PATCH replaces several different attributes).
    private static bool NameDistinctAttributes(ReadOnlySpan<PatchOperation> operations)
    {
        for (var i = 0; i < operations.Length; i++)
        {
            if (operations[i].Path is not { } path)
            {
                return false;
            }

            for (var j = 0; j < i; j++)
            {
                if (string.Equals(operations[j].Path!.Attribute.AttributeName, path.Attribute.AttributeName, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsNamedAgain(List<Target> targets, int index)
    {
        for (var j = index + 1; j < targets.Count; j++)
        {
            if (ReferenceEquals(targets[j].Attribute, targets[index].Attribute))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasSnapshot(List<Snapshot>? snapshots, ScimAttributeDefinition attribute)
    {
        if (snapshots is not null)
        {
            foreach (var snapshot in snapshots)
            {
                if (ReferenceEquals(snapshot.Target.Attribute, attribute))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void CollectTargets(PatchOperation operation, List<Target> targets)
    {
        if (operation.Path is { } path)
        {
            if (Resolve(path.Attribute, out var target, out _))
            {
                targets.Add(target);
            }

            return;
        }

        if (operation.Value is not JsonObject members)
        {
            return;
        }

        foreach (var (key, value) in members)
        {
            if (FindExtension(key) is { } extension)
            {
                if (value is JsonObject extensionMembers)
                {
                    foreach (var (name, _) in extensionMembers)
                    {
                        if (Resolve(new AttributePath(extension.Id, name), out var target, out _))
                        {
                            targets.Add(target);
                        }
                    }
                }
            }
            else if (key.AsSpan().IndexOfAny('[', ':', '.') < 0)
            {
                if (Resolve(new AttributePath(null, key), out var target, out _))
                {
                    targets.Add(target);
                }
            }
            else if (PatchPath.TryParse(key, out var keyPath, out _) && Resolve(keyPath.Attribute, out var target, out _))
            {
                targets.Add(target);
            }
        }
    }

    private void DropNetUnchanged(List<Snapshot> snapshots)
    {
        foreach (var snapshot in snapshots)
        {
            var current = GetContainer(snapshot.Target, create: false)?.GetPropertyIgnoreCase(snapshot.Target.Attribute.Name);
            if ((IsUnassigned(current) && IsUnassigned(snapshot.Value)) || JsonEquality.DeepEquals(current, snapshot.Value))
            {
                _changed!.RemoveAll(p => p.Length >= snapshot.Prefix.Length && p.StartsWith(snapshot.Prefix, StringComparison.Ordinal) &&
                                         (p.Length == snapshot.Prefix.Length || p[snapshot.Prefix.Length] == '.'));
            }
        }
    }

    // RFC 7644 §3.5.2.1 / §3.5.2.3: without a path the value is an object of attributes (and URN-keyed extension
    // objects) to add or replace.
    private ScimError? ApplyWithoutPath(PatchOperationType op, JsonNode? value)
    {
        if (value is not JsonObject members)
        {
            return ScimError.InvalidValue("Without a \"path\" the \"value\" must be an object of attributes.");
        }

        foreach (var (key, memberValue) in members)
        {
            if (string.Equals(key, ScimCommonAttributes.Schemas.Name, StringComparison.OrdinalIgnoreCase))
            {
                // The engine maintains "schemas" from the extensions present.
                continue;
            }

            ScimError? error;
            if (FindExtension(key) is { } extension)
            {
                error = ApplyExtensionObject(op, extension, memberValue);
            }
            else if (key.AsSpan().IndexOfAny('.', '[', ':') < 0)
            {
                error = ApplyAttribute(op, Resolve(new AttributePath(null, key), out var target, out var resolveError) ? target : default, resolveError, memberValue, fromObject: true);
            }
            else if (_compat.AttributePathsAsValueKeys)
            {
                error = PatchPath.TryParse(key, out var keyPath, out var pathError)
                    ? ApplyPath(op, keyPath!, memberValue, fromObject: true)
                    : pathError;
            }
            else
            {
                error = ScimError.InvalidPath($"\"{key}\" is not an attribute name; attribute paths are not accepted as value members.");
            }

            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private ScimError? ApplyPath(PatchOperationType op, PatchPath path, JsonNode? value, bool fromObject = false)
    {
        if (!Resolve(path.Attribute, out var target, out var error))
        {
            if (path.ValueFilter is null && path.Attribute.SubAttributeName is null && path.Attribute.SchemaUri is { } uri &&
                FindExtension(string.Concat(uri, ":", path.Attribute.AttributeName)) is { } extension)
            {
                return op == PatchOperationType.Remove
                    ? RemoveExtensionObject(extension)
                    : ApplyExtensionObject(op, extension, value);
            }

            return error;
        }

        if (path.ValueFilter is not null || (target.Sub is not null && target.Attribute.MultiValued))
        {
            if (!target.Attribute.MultiValued || !target.Attribute.IsComplex)
            {
                return ScimError.InvalidPath($"A value filter needs a multi-valued complex attribute; \"{target.Path}\" is not one.");
            }

            if (path.ValueFilter is { } filter && _evaluator.ValidateValueFilter(filter, target.Attribute) is { } filterError)
            {
                // RFC 7644 §3.12: a path (its filter included) naming nothing valid is invalidPath.
                return ScimError.InvalidPath(filterError.Detail);
            }

            return ApplyFiltered(op, target, path.ValueFilter, value);
        }

        return ApplyAttribute(op, target, null, value, fromObject);
    }

    private ScimError? ApplyExtensionObject(PatchOperationType op, ScimSchemaDefinition extension, JsonNode? value)
    {
        if (value is null)
        {
            return op == PatchOperationType.Replace ? RemoveExtensionObject(extension) : null;
        }

        if (value is not JsonObject members)
        {
            return ScimError.InvalidValue($"The value for extension \"{extension.Id}\" must be an object.");
        }

        foreach (var (key, memberValue) in members)
        {
            var ok = Resolve(new AttributePath(extension.Id, key), out var target, out var error);
            error = ApplyAttribute(op, ok ? target : default, error, memberValue, fromObject: true);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private ScimError? RemoveExtensionObject(ScimSchemaDefinition extension)
    {
        foreach (var registered in _type.Extensions)
        {
            if (ReferenceEquals(registered.Schema, extension) && registered.Required)
            {
                return ScimError.Mutability($"The required extension \"{extension.Id}\" cannot be removed.");
            }
        }

        if (!_resource.TryGetPropertyIgnoreCase(extension.Id, out var name, out _))
        {
            return null;
        }

        _journal.RemoveAt(_resource, _resource.IndexOf(name));
        RemoveSchemaUrn(extension.Id);
        var prefix = extension.Id + ":";
        _changed?.RemoveAll(p => p.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        MarkChanged(extension.Id);
        return null;
    }

    // A path without a value filter: the attribute, or a sub-attribute of a singular complex attribute.
    private ScimError? ApplyAttribute(PatchOperationType op, Target target, ScimError? resolveError, JsonNode? value, bool fromObject)
    {
        if (resolveError is not null)
        {
            return resolveError;
        }

        if (fromObject && value is null)
        {
            // RFC 7643 §2.5: null is unassigned. An add of null adds nothing; a replace with null unassigns.
            return op == PatchOperationType.Replace ? Remove(target, null, ignoreMissing: true) : null;
        }

        return op switch
        {
            PatchOperationType.Remove => Remove(target, value, ignoreMissing: true),
            _ when target.Sub is not null => SetSubAttribute(target, value),
            _ when target.Attribute.MultiValued => op == PatchOperationType.Add ? AddValues(target, value) : ReplaceValues(target, value),
            _ when target.Attribute.IsComplex => MergeComplex(target, value),
            _ => SetSimple(target, value),
        };
    }

    private ScimError? SetSimple(Target target, JsonNode? value)
    {
        var error = Normalize(target.Attribute, value, false, target.Path, out var normalized);
        if (error is not null)
        {
            return error;
        }

        var container = GetContainer(target, create: false);
        var found = FindMember(container, target.Attribute.Name);
        error = CheckWrite(target.Attribute, found.Value, normalized, target.Path, out var unchanged);
        if (error is not null || unchanged)
        {
            return error;
        }

        SetMember(container ?? GetContainer(target, create: true)!, target.Attribute.Name, normalized, found);
        MarkChanged(target.Path);
        return null;
    }

    // RFC 7644 §3.5.2.1 and §3.5.2.3: a complex value merges into the attribute; sub-attributes not given stay.
    private ScimError? MergeComplex(Target target, JsonNode? value)
    {
        var error = Normalize(target.Attribute, value, false, target.Path, out var normalized);
        if (error is not null)
        {
            return error;
        }

        var members = (JsonObject)normalized!;
        var container = GetContainer(target, create: false);
        var current = container?.GetPropertyIgnoreCase(target.Attribute.Name) as JsonObject;
        if (target.Attribute.Mutability == ScimMutability.ReadOnly &&
            !(_compat.IgnoreUnchangedReadOnlyValues && IsSubsetOf(members, current)))
        {
            return ScimError.Mutability($"\"{target.Path}\" is read-only.");
        }

        foreach (var (subName, subValue) in members)
        {
            var sub = target.Attribute.FindSubAttribute(subName)!;
            var existing = current?.GetPropertyIgnoreCase(sub.Name);
            error = CheckWrite(sub, existing, subValue, new ErrorPath(target.Path, sub.Name), out var unchanged);
            if (error is not null)
            {
                return error;
            }

            if (unchanged)
            {
                continue;
            }

            if (current is null)
            {
                current = [];
                SetMember(GetContainer(target, create: true)!, target.Attribute.Name, current);
            }

            SetMember(current, sub.Name, subValue!.DeepClone());
            MarkChanged(target.Path);
        }

        return null;
    }

    private ScimError? SetSubAttribute(Target target, JsonNode? value)
    {
        var sub = target.Sub!;
        var error = Normalize(sub, value, false, target.Path, out var normalized);
        if (error is not null)
        {
            return error;
        }

        var container = GetContainer(target, create: false);
        var current = container?.GetPropertyIgnoreCase(target.Attribute.Name) as JsonObject;
        var found = FindMember(current, sub.Name);
        var existing = found.Value;
        if (target.Attribute.Mutability == ScimMutability.ReadOnly &&
            !(_compat.IgnoreUnchangedReadOnlyValues && existing is not null && JsonEquality.DeepEquals(existing, normalized)))
        {
            return ScimError.Mutability($"\"{target.Attribute.Name}\" is read-only.");
        }

        error = CheckWrite(sub, existing, normalized, target.Path, out var unchanged);
        if (error is not null || unchanged)
        {
            return error;
        }

        if (current is null)
        {
            current = [];
            SetMember(GetContainer(target, create: true)!, target.Attribute.Name, current);
        }

        SetMember(current, sub.Name, normalized, found);
        MarkChanged(target.Path);
        return null;
    }

    // RFC 7644 §3.5.2.1: values are appended; values already present are not added again.
    private ScimError? AddValues(Target target, JsonNode? value)
    {
        var attribute = target.Attribute;
        var error = Normalize(attribute, value, false, target.Path, out var normalized);
        if (error is not null)
        {
            return error;
        }

        var incoming = (JsonArray)normalized!;
        if (incoming.Count == 0)
        {
            return null;
        }

        var container = GetContainer(target, create: false);
        var current = container?.GetPropertyIgnoreCase(attribute.Name) as JsonArray;

        // The set holds the incoming keys (a request's worth), not the existing ones (a group's worth): existing values
        // are only looked up, mostly without building a string for each.
        var pending = new HashSet<string>(incoming.Count, ValueComparer(attribute));
        var candidates = new List<JsonNode>(incoming.Count);
        foreach (var element in incoming)
        {
            if (pending.Add(ValueKey(element)))
            {
                candidates.Add(element!);
            }
        }

        if (current is not null)
        {
            var lookup = pending.GetAlternateLookup<ReadOnlySpan<char>>();
            char[]? rented = null;
            Span<char> buffer = stackalloc char[128];
            try
            {
                foreach (var element in current)
                {
                    if (TryGetStringValueKey(element, ref buffer, ref rented, out var key))
                    {
                        lookup.Remove(key);
                    }
                    else
                    {
                        pending.Remove(ValueKey(element));
                    }

                    if (pending.Count == 0)
                    {
                        return null;
                    }
                }
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<char>.Shared.Return(rented);
                }
            }
        }

        List<JsonNode>? added = null;
        foreach (var element in candidates)
        {
            if (pending.Contains(ValueKey(element)))
            {
                (added ??= new List<JsonNode>(pending.Count)).Add(element);
            }
        }

        if (added is null)
        {
            return null;
        }

        if (attribute.Mutability is ScimMutability.ReadOnly || (attribute.Mutability is ScimMutability.Immutable && current is { Count: > 0 }))
        {
            return ScimError.Mutability($"\"{target.Path}\" is {Describe(attribute.Mutability)}.");
        }

        if (current is null)
        {
            current = [];
            SetMember(GetContainer(target, create: true)!, attribute.Name, current);
        }

        JsonObject? newPrimary = null;
        incoming.Clear();
        _journal.BeforeAppend(current);
        foreach (var element in added)
        {
            current.Add(element);
            if (IsPrimary(element))
            {
                newPrimary = (JsonObject)element;
            }
        }

        if (newPrimary is not null)
        {
            ClearOtherPrimaries(current, newPrimary);
        }

        MarkChanged(target.Path);
        return null;
    }

    // RFC 7644 §3.5.2.3: a replace of a multi-valued attribute without a filter replaces all its values.
    private ScimError? ReplaceValues(Target target, JsonNode? value)
    {
        var error = Normalize(target.Attribute, value, false, target.Path, out var normalized, dedupe: true);
        if (error is not null)
        {
            return error;
        }

        if (normalized is JsonArray { Count: 0 })
        {
            return Remove(target, null, ignoreMissing: true);
        }

        var container = GetContainer(target, create: false);
        var found = FindMember(container, target.Attribute.Name);
        error = CheckWrite(target.Attribute, found.Value, normalized, target.Path, out var unchanged);
        if (error is not null || unchanged)
        {
            return error;
        }

        SetMember(container ?? GetContainer(target, create: true)!, target.Attribute.Name, normalized, found);
        MarkChanged(target.Path);
        return null;
    }

    // RFC 7644 §3.5.2.2 without a value filter.
    private ScimError? Remove(Target target, JsonNode? value, bool ignoreMissing)
    {
        var attribute = target.Attribute;
        var container = GetContainer(target, create: false);
        var current = container?.GetPropertyIgnoreCase(attribute.Name);
        if (target.Sub is { } sub)
        {
            var parent = current as JsonObject;
            var existing = parent?.GetPropertyIgnoreCase(sub.Name);
            if (IsUnassigned(existing))
            {
                return ignoreMissing ? null : ScimError.NoTarget($"\"{target.Path}\" has no value.");
            }

            var error = CheckRemove(attribute.Mutability == ScimMutability.ReadOnly ? attribute : sub, target.Path);
            if (error is not null)
            {
                return error;
            }

            RemoveMember(parent!, sub.Name);
            if (parent!.Count == 0)
            {
                RemoveMember(container!, attribute.Name);
            }

            CleanUpExtension(target, container!);
            MarkChanged(target.Path);
            return null;
        }

        if (IsUnassigned(current))
        {
            return null;
        }

        if (value is not null && attribute.MultiValued)
        {
            return _compat.MemberRemovalByValue
                ? current is JsonArray values ? RemoveListedValues(target, values, value) : null
                : ScimError.InvalidValue($"A remove of \"{target.Path}\" takes no \"value\"; select values with a filter such as {target.Path}[value eq \"...\"].");
        }

        if (value is not null && attribute.IsComplex && _compat.ManagerAsString && attribute.FindSubAttribute(ValueName) is not null)
        {
            // Entra ID names the manager it removes; only remove it while it is still that manager.
            var id = ExtractId(value);
            var currentId = (current as JsonObject)?.GetPropertyIgnoreCase(ValueName);
            if (id is not null && !(currentId is JsonValue v && v.GetValueKind() == JsonValueKind.String && string.Equals(v.GetValue<string>(), id, StringComparison.Ordinal)))
            {
                return null;
            }
        }

        var removeError = CheckRemove(attribute, target.Path);
        if (removeError is not null)
        {
            return removeError;
        }

        RemoveMember(container!, attribute.Name);
        CleanUpExtension(target, container!);
        MarkChanged(target.Path);
        return null;
    }

    // Entra ID: {"op":"Remove","path":"members","value":[{"value":"id"}]} removes just the listed members.
    private ScimError? RemoveListedValues(Target target, JsonArray current, JsonNode value)
    {
        var attribute = target.Attribute;
        var error = Normalize(attribute, value is JsonArray ? value : new JsonArray(value.DeepClone()), false, target.Path, out var normalized);
        if (error is not null)
        {
            return error;
        }

        var remove = new HashSet<string>(ValueComparer(attribute));
        foreach (var element in (JsonArray)normalized!)
        {
            remove.Add(ValueKey(element));
        }

        var matches = new List<int>();
        for (var i = 0; i < current.Count; i++)
        {
            if (remove.Contains(ValueKey(current[i])))
            {
                matches.Add(i);
            }
        }

        return matches.Count == 0 ? null : RemoveElements(target, current, matches);
    }

    // RFC 7644 §3.5.2.1-3 with a value filter (or a sub-attribute of every value, when there is no filter).
    private ScimError? ApplyFiltered(PatchOperationType op, Target target, FilterNode? filter, JsonNode? value)
    {
        var attribute = target.Attribute;
        var container = GetContainer(target, create: false);
        var current = container?.GetPropertyIgnoreCase(attribute.Name) as JsonArray;
        var matches = new List<int>();
        if (current is not null)
        {
            for (var i = 0; i < current.Count; i++)
            {
                if (current[i] is JsonObject element && (filter is null || _evaluator.MatchesValue(filter, element, attribute)))
                {
                    matches.Add(i);
                }
            }
        }

        if (attribute.Mutability == ScimMutability.ReadOnly)
        {
            return ScimError.Mutability($"\"{target.Path}\" is read-only.");
        }

        if (op == PatchOperationType.Remove)
        {
            if (matches.Count == 0)
            {
                return _compat.RemoveUnmatchedValueSucceeds ? null : ScimError.NoTarget($"No value of \"{target.Path}\" matches the filter.");
            }

            if (target.Sub is null)
            {
                return RemoveElements(target, current!, matches);
            }

            var error = CheckRemove(target.Sub, new ErrorPath(target.Path, target.Sub.Name));
            if (error is not null)
            {
                return error;
            }

            foreach (var index in matches)
            {
                if (RemoveMember((JsonObject)current![index]!, target.Sub.Name))
                {
                    MarkChanged(target.Path);
                }
            }

            return null;
        }

        return target.Sub is { } sub
            ? SetFilteredSubAttribute(target, sub, filter, current, matches, value)
            : SetFilteredElements(op, target, current, matches, value);
    }

    private ScimError? SetFilteredSubAttribute(Target target, ScimAttributeDefinition sub, FilterNode? filter, JsonArray? current, List<int> matches, JsonNode? value)
    {
        var error = Normalize(sub, value, false, new ErrorPath(target.Path, sub.Name), out var normalized);
        if (error is not null)
        {
            return error;
        }

        if (matches.Count == 0)
        {
            // Entra ID replaces emails[type eq "work"].value on users without a work email and expects one.
            if (!_compat.ReplaceCreatesFilteredValue || filter is null || !TryBuildFromFilter(filter, target.Attribute, out var created))
            {
                return ScimError.NoTarget($"No value of \"{target.Path}\" matches the filter.");
            }

            created[sub.Name] = normalized;
            error = Normalize(target.Attribute, created, true, target.Path, out var element);
            if (error is not null)
            {
                return error;
            }

            if (current is null)
            {
                current = [];
                SetMember(GetContainer(target, create: true)!, target.Attribute.Name, current);
            }

            _journal.BeforeAppend(current);
            current.Add(element);
            if (IsPrimary(element))
            {
                ClearOtherPrimaries(current, (JsonObject)element!);
            }

            MarkChanged(target.Path);
            return null;
        }

        var setsPrimary = string.Equals(sub.Name, PrimaryName, StringComparison.Ordinal) && normalized is JsonValue p && p.GetValueKind() == JsonValueKind.True;
        if (setsPrimary && matches.Count > 1)
        {
            return ScimError.InvalidValue($"Only one value of \"{target.Path}\" may be primary; the filter matches {matches.Count}.");
        }

        for (var m = 0; m < matches.Count; m++)
        {
            var element = (JsonObject)current![matches[m]]!;
            var found = FindMember(element, sub.Name);
            error = CheckWrite(sub, found.Value, normalized, new ErrorPath(target.Path, sub.Name), out var unchanged);
            if (error is not null)
            {
                return error;
            }

            if (unchanged)
            {
                continue;
            }

            // The last match takes the normalised value itself; the others get copies of it.
            SetMember(element, sub.Name, m == matches.Count - 1 ? normalized : normalized!.DeepClone(), found);
            if (setsPrimary)
            {
                ClearOtherPrimaries(current, element);
            }

            MarkChanged(target.Path);
        }

        return null;
    }

    private ScimError? SetFilteredElements(PatchOperationType op, Target target, JsonArray? current, List<int> matches, JsonNode? value)
    {
        var attribute = target.Attribute;
        var error = Normalize(attribute, value, true, target.Path, out var normalized);
        if (error is not null)
        {
            return error;
        }

        if (matches.Count == 0)
        {
            return ScimError.NoTarget($"No value of \"{target.Path}\" matches the filter.");
        }

        var replacement = (JsonObject)normalized!;
        if (IsPrimary(replacement) && matches.Count > 1)
        {
            return ScimError.InvalidValue($"Only one value of \"{target.Path}\" may be primary; the filter matches {matches.Count}.");
        }

        foreach (var index in matches)
        {
            var element = (JsonObject)current![index]!;
            foreach (var (subName, subValue) in replacement)
            {
                var sub = attribute.FindSubAttribute(subName)!;
                error = CheckWrite(sub, element.GetPropertyIgnoreCase(sub.Name), subValue, new ErrorPath(target.Path, sub.Name), out _);
                if (error is not null)
                {
                    return error;
                }
            }

            if (op == PatchOperationType.Replace)
            {
                // RFC 7644 §3.5.2.3: the matching values are replaced.
                if (!JsonEquality.DeepEquals(element, replacement))
                {
                    _journal.Set(current, index, replacement.DeepClone());
                    MarkChanged(target.Path);
                }
            }
            else
            {
                foreach (var (subName, subValue) in replacement)
                {
                    if (!JsonEquality.DeepEquals(element.GetPropertyIgnoreCase(subName), subValue))
                    {
                        SetMember(element, subName, subValue!.DeepClone());
                        MarkChanged(target.Path);
                    }
                }
            }

            if (IsPrimary(replacement))
            {
                ClearOtherPrimaries(current, (JsonObject)current[index]!);
            }
        }

        return null;
    }

    private ScimError? RemoveElements(Target target, JsonArray current, List<int> matches)
    {
        var attribute = target.Attribute;
        if (attribute.Mutability == ScimMutability.ReadOnly)
        {
            return ScimError.Mutability($"\"{target.Path}\" is read-only.");
        }

        var container = GetContainer(target, create: false)!;
        if (matches.Count == current.Count)
        {
            var error = CheckRemove(attribute, target.Path);
            if (error is not null)
            {
                return error;
            }

            // RFC 7644 §3.5.2.2: with no values left the attribute is unassigned.
            RemoveMember(container, attribute.Name);
            CleanUpExtension(target, container);
        }
        else if (matches.Count == 1)
        {
            _journal.RemoveAt(current, matches[0]);
        }
        else
        {
            var kept = new List<JsonNode?>(current.Count - matches.Count);
            var next = 0;
            for (var i = 0; i < current.Count; i++)
            {
                if (next < matches.Count && matches[next] == i)
                {
                    next++;
                }
                else
                {
                    kept.Add(current[i]);
                }
            }

            _journal.ReplaceContents(current, kept);
        }

        MarkChanged(target.Path);
        return null;
    }

    private static bool TryBuildFromFilter(FilterNode filter, ScimAttributeDefinition attribute, out JsonObject element)
    {
        element = [];
        return AddEqualities(filter, attribute, element);
    }

    private static bool AddEqualities(FilterNode filter, ScimAttributeDefinition attribute, JsonObject element)
    {
        switch (filter)
        {
            case LogicalNode { Operator: LogicalOperator.And } and:
                return AddEqualities(and.Left, attribute, element) && AddEqualities(and.Right, attribute, element);
            case ComparisonNode { Operator: ComparisonOperator.Equal } comparison:
                string name;
                if (comparison.Path.SubAttributeName is { } subName)
                {
                    // Tolerates "emails.type" spelled out inside the brackets.
                    if (!string.Equals(comparison.Path.AttributeName, attribute.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        return false;
                    }

                    name = subName;
                }
                else
                {
                    name = comparison.Path.AttributeName;
                }

                var sub = attribute.FindSubAttribute(name);
                if (sub is null || element.ContainsKey(sub.Name))
                {
                    return false;
                }

                JsonNode? value = comparison.Value.Kind switch
                {
                    FilterValueKind.String => JsonValue.Create(comparison.Value.Text),
                    FilterValueKind.Number => JsonValue.Create(comparison.Value.Number),
                    FilterValueKind.Boolean => JsonValue.Create(comparison.Value.Boolean),
                    _ => null,
                };
                if (value is null)
                {
                    return false;
                }

                element[sub.Name] = value;
                return true;
            default:
                return false;
        }
    }

    private void ClearOtherPrimaries(JsonArray array, JsonObject primary)
    {
        // RFC 7643 §2.4: "primary" is true for at most one value.
        foreach (var node in array)
        {
            if (node is JsonObject element && !ReferenceEquals(element, primary) && IsPrimary(element))
            {
                SetMember(element, PrimaryName, JsonValue.Create(false));
            }
        }
    }

    private static bool IsPrimary(JsonNode? node) =>
        node is JsonObject element && element.GetPropertyIgnoreCase(PrimaryName) is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private ScimError? CheckWrite(ScimAttributeDefinition attribute, JsonNode? current, JsonNode? value, ErrorPath path, out bool unchanged)
    {
        var assigned = !IsUnassigned(current);
        unchanged = assigned && JsonEquality.DeepEquals(current, value);
        switch (attribute.Mutability)
        {
            case ScimMutability.ReadOnly when !(unchanged && _compat.IgnoreUnchangedReadOnlyValues):
                return ScimError.Mutability($"\"{path}\" is read-only.");
            case ScimMutability.Immutable when assigned && !unchanged:
                return ScimError.Mutability($"\"{path}\" is immutable and already has a value.");
            default:
                return null;
        }
    }

    private static ScimError? CheckRemove(ScimAttributeDefinition attribute, ErrorPath path)
    {
        // RFC 7644 §3.5.2.2: removing a required or read-only attribute fails with mutability.
        if (attribute.Mutability is ScimMutability.ReadOnly or ScimMutability.Immutable)
        {
            return ScimError.Mutability($"\"{path}\" is {Describe(attribute.Mutability)} and cannot be removed.");
        }

        return attribute.Required ? ScimError.Mutability($"\"{path}\" is required and cannot be removed.") : null;
    }

    private static string Describe(ScimMutability mutability) => mutability switch
    {
        ScimMutability.ReadOnly => "read-only",
        ScimMutability.Immutable => "immutable",
        ScimMutability.WriteOnly => "write-only",
        _ => "read-write",
    };

    private static bool IsUnassigned(JsonNode? node) =>
        node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.Null) || node is JsonArray { Count: 0 } || node is JsonObject { Count: 0 };

    private static bool IsSubsetOf(JsonObject members, JsonObject? current)
    {
        if (current is null)
        {
            return false;
        }

        foreach (var (name, value) in members)
        {
            if (!JsonEquality.DeepEquals(current.GetPropertyIgnoreCase(name), value))
            {
                return false;
            }
        }

        return true;
    }

    private static string? ExtractId(JsonNode value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o => o.GetPropertyIgnoreCase(ValueName) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null,
        JsonArray { Count: 1 } a when a[0] is { } first => ExtractId(first),
        _ => null,
    };

    // Duplicate detection for multi-valued attributes: by the "value" sub-attribute when there is one (members,
    // emails, ...), else by the whole value's JSON.
    private static StringComparer ValueComparer(ScimAttributeDefinition attribute) =>
        (attribute.IsComplex ? attribute.FindSubAttribute(ValueName) ?? attribute : attribute).CaseExact
            ? StringComparer.Ordinal
            : StringComparer.OrdinalIgnoreCase;

    private static string ValueKey(JsonNode? element)
    {
        if (element is JsonObject obj && obj.GetPropertyIgnoreCase(ValueName) is JsonValue v)
        {
            return v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
        }

        return element is null ? "null" : element.ToJsonString();
    }

    // ValueKey of an element whose "value" is a JSON string, as characters, without allocating a string when the value
    // still sits in the parsed document. False when the key is not such a string; the caller then uses ValueKey.
    private static bool TryGetStringValueKey(JsonNode? element, ref Span<char> buffer, ref char[]? rented, out ReadOnlySpan<char> key)
    {
        key = default;
        if (element is not JsonObject obj || obj.GetPropertyIgnoreCase(ValueName) is not JsonValue v)
        {
            return false;
        }

        if (!v.TryGetValue<JsonElement>(out var json))
        {
            // A value the engine or a caller created holds its string already.
            if (v.GetValueKind() == JsonValueKind.String && v.TryGetValue<string>(out var text))
            {
                key = text;
                return true;
            }

            return false;
        }

        if (json.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var raw = JsonMarshal.GetRawUtf8Value(json);
        if (raw.Length < 2 || raw[0] != (byte)'"' || raw[^1] != (byte)'"')
        {
            return false;
        }

        raw = raw[1..^1];
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            return false;
        }

        if (buffer.Length < raw.Length)
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }

            rented = ArrayPool<char>.Shared.Rent(raw.Length);
            buffer = rented;
        }

        if (Utf8.ToUtf16(raw, buffer, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            return false;
        }

        key = buffer[..written];
        return true;
    }

    // Checks a value against the attribute definition and returns a fresh, detached copy in canonical form.
    private ScimError? Normalize(ScimAttributeDefinition attribute, JsonNode? value, bool element, ErrorPath path, out JsonNode? result, bool dedupe = false)
    {
        result = null;
        if (attribute.MultiValued && !element)
        {
            if (value is not JsonArray array)
            {
                return ScimError.InvalidValue($"\"{path}\" is multi-valued; its value must be an array.");
            }

            var list = new JsonArray();
            var primaries = 0;
            HashSet<string>? keys = dedupe && array.Count > 1 ? new HashSet<string>(ValueComparer(attribute)) : null;
            foreach (var item in array)
            {
                // A value repeated within a replace is kept once, as an add of a present value is (§3.5.2.1); AddValues
                // drops repeats itself, with the one set it builds of the existing values.
                if (IsUnassigned(item) || (keys is not null && !keys.Add(ValueKey(item))))
                {
                    continue;
                }

                var error = Normalize(attribute, item, true, path, out var normalized);
                if (error is not null)
                {
                    return error;
                }

                if (IsPrimary(normalized) && ++primaries > 1)
                {
                    return ScimError.InvalidValue($"At most one value of \"{path}\" may be primary (RFC 7643 §2.4).");
                }

                list.Add(normalized);
            }

            result = list;
            return null;
        }

        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        if (kind == JsonValueKind.Null)
        {
            return ScimError.InvalidValue($"\"{path}\" needs a value.");
        }

        if (attribute.IsComplex)
        {
            if (value is JsonValue text && text.GetValueKind() == JsonValueKind.String && !attribute.MultiValued &&
                _compat.ManagerAsString && attribute.FindSubAttribute(ValueName) is { } valueSub)
            {
                // Entra ID: "manager": "id" for {"value": "id"}.
                result = new JsonObject { [valueSub.Name] = JsonValue.Create(text.GetValue<string>()) };
                return null;
            }

            if (value is not JsonObject members)
            {
                return ScimError.InvalidValue($"\"{path}\" is complex; its value must be an object.");
            }

            var obj = new JsonObject();
            foreach (var (name, memberValue) in members)
            {
                var sub = attribute.FindSubAttribute(name);
                if (sub is null)
                {
                    return ScimError.InvalidValue($"\"{path}\" has no sub-attribute \"{name}\".");
                }

                if (IsUnassigned(memberValue))
                {
                    continue;
                }

                var error = Normalize(sub, memberValue, false, path.Append(sub.Name), out var normalized);
                if (error is not null)
                {
                    return error;
                }

                obj[sub.Name] = normalized;
            }

            result = obj;
            return null;
        }

        if (value is not JsonValue scalar)
        {
            return ScimError.InvalidValue($"\"{path}\" takes a single {TypeName(attribute.Type)}, not {(value is JsonArray ? "an array" : "an object")}.");
        }

        switch (attribute.Type)
        {
            case ScimAttributeType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    result = JsonValue.Create(kind == JsonValueKind.True);
                    return null;
                }

                if (kind == JsonValueKind.String && _compat.BooleanStrings && bool.TryParse(scalar.GetValue<string>(), out var parsed))
                {
                    // Entra ID: "active": "False".
                    result = JsonValue.Create(parsed);
                    return null;
                }

                break;
            case ScimAttributeType.Integer:
                if (kind == JsonValueKind.Number && scalar.TryGetValue<long>(out var integer))
                {
                    result = JsonValue.Create(integer);
                    return null;
                }

                break;
            case ScimAttributeType.Decimal:
                if (kind == JsonValueKind.Number)
                {
                    result = scalar.DeepClone();
                    return null;
                }

                break;
            case ScimAttributeType.DateTime:
                if (kind == JsonValueKind.String &&
                    DateTimeOffset.TryParse(scalar.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                {
                    result = JsonValue.Create(scalar.GetValue<string>());
                    return null;
                }

                break;
            case ScimAttributeType.Binary:
                if (kind == JsonValueKind.String && IsBase64(scalar.GetValue<string>()))
                {
                    result = JsonValue.Create(scalar.GetValue<string>());
                    return null;
                }

                break;
            default:
                if (kind == JsonValueKind.String)
                {
                    // A value parsed from the request stays in its document: copying it decodes nothing.
                    result = JsonEquality.IsParsed(scalar) ? scalar.DeepClone() : JsonValue.Create(scalar.GetValue<string>());
                    return null;
                }

                break;
        }

        return ScimError.InvalidValue($"\"{path}\" must be a {TypeName(attribute.Type)}.");
    }

    private static bool IsBase64(string text)
    {
        Span<byte> buffer = text.Length <= 1024 ? stackalloc byte[text.Length] : new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    private static string TypeName(ScimAttributeType type) => type switch
    {
        ScimAttributeType.Boolean => "boolean",
        ScimAttributeType.Integer => "integer",
        ScimAttributeType.Decimal => "decimal number",
        ScimAttributeType.DateTime => "dateTime string",
        ScimAttributeType.Binary => "base64 string",
        ScimAttributeType.Reference => "reference string",
        ScimAttributeType.Complex => "complex value",
        _ => "string",
    };

    private bool Resolve(AttributePath path, out Target target, out ScimError? error)
    {
        if (!_type.TryResolve(path, out var schema, out var attribute, out var sub))
        {
            target = default;
            error = ScimError.InvalidPath($"\"{path}\" is not an attribute of {_type.Name}.");
            return false;
        }

        var isExtension = !ReferenceEquals(schema, _type.Schema);
        var named = sub is not null && !attribute.MultiValued;
        var attributePath = (isExtension, named) switch
        {
            (false, false) => attribute.Name,
            (false, true) => string.Concat(attribute.Name, ".", sub!.Name),
            (true, false) => string.Concat(schema.Id, ":", attribute.Name),
            _ => string.Concat([schema.Id, ":", attribute.Name, ".", sub!.Name]),
        };

        target = new Target(schema, attribute, sub, isExtension, attributePath);
        error = null;
        return true;
    }

    private ScimSchemaDefinition? FindExtension(string uri)
    {
        if (!uri.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var extension in _type.Extensions)
        {
            if (string.Equals(extension.Schema.Id, uri, StringComparison.OrdinalIgnoreCase))
            {
                return extension.Schema;
            }
        }

        return null;
    }

    private JsonObject? GetContainer(in Target target, bool create)
    {
        if (!target.IsExtension)
        {
            return _resource;
        }

        var id = target.Schema.Id;
        if (_resource.TryGetPropertyIgnoreCase(id, out _, out var node) && node is JsonObject extension)
        {
            return extension;
        }

        if (!create)
        {
            return null;
        }

        extension = [];
        SetMember(_resource, id, extension);
        AddSchemaUrn(id);
        return extension;
    }

    // RFC 7643 §3: "schemas" lists the extensions in use; an extension object left empty is removed with its URN.
    private void CleanUpExtension(in Target target, JsonObject container)
    {
        if (target.IsExtension && container.Count == 0 && RemoveMember(_resource, target.Schema.Id))
        {
            RemoveSchemaUrn(target.Schema.Id);
        }
    }

    private void AddSchemaUrn(string id)
    {
        if (_resource.GetPropertyIgnoreCase(ScimCommonAttributes.Schemas.Name) is not JsonArray schemas)
        {
            SetMember(_resource, ScimCommonAttributes.Schemas.Name, new JsonArray(JsonValue.Create(_type.Schema.Id), JsonValue.Create(id)));
            return;
        }

        if (IndexOfUrn(schemas, id) < 0)
        {
            _journal.BeforeAppend(schemas);
            schemas.Add((JsonNode?)JsonValue.Create(id));
        }
    }

    private void RemoveSchemaUrn(string id)
    {
        if (_resource.GetPropertyIgnoreCase(ScimCommonAttributes.Schemas.Name) is JsonArray schemas &&
            IndexOfUrn(schemas, id) is var index and >= 0)
        {
            _journal.RemoveAt(schemas, index);
        }
    }

    private static int IndexOfUrn(JsonArray schemas, string id)
    {
        for (var i = 0; i < schemas.Count; i++)
        {
            if (schemas[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String &&
                string.Equals(v.GetValue<string>(), id, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    // A member looked up in any case: where it is, how it is spelled and its value; Index -1 when absent.
    private static Member FindMember(JsonObject? obj, string name)
    {
        var index = obj is null ? -1 : obj.IndexOfIgnoreCase(name);
        if (index < 0)
        {
            return new Member(-1, null, null);
        }

        var (key, value) = obj!.GetAt(index);
        return new Member(index, key, value);
    }

    // Writes a member under the schema's spelling, replacing a differently spelled one in place.
    private void SetMember(JsonObject obj, string name, JsonNode? value) => SetMember(obj, name, value, FindMember(obj, name));

    // The same when the caller has just looked the member up in obj.
    private void SetMember(JsonObject obj, string name, JsonNode? value, in Member found)
    {
        if (found.Index < 0)
        {
            _journal.Insert(obj, -1, name, value);
        }
        else if (string.Equals(found.Name, name, StringComparison.Ordinal))
        {
            _journal.SetAt(obj, found.Index, name, found.Value, value);
        }
        else
        {
            _journal.RemoveAt(obj, found.Index);
            _journal.Insert(obj, found.Index, name, value);
        }
    }

    private bool RemoveMember(JsonObject obj, string name)
    {
        if (!obj.TryGetPropertyIgnoreCase(name, out var actual, out _))
        {
            return false;
        }

        _journal.RemoveAt(obj, obj.IndexOf(actual));
        return true;
    }

    private void MarkChanged(string path)
    {
        _changed ??= new List<string>(_operationCount);
        foreach (var existing in _changed)
        {
            if (string.Equals(existing, path, StringComparison.Ordinal))
            {
                return;
            }
        }

        _changed.Add(path);
    }

    private sealed record Snapshot(Target Target, string Prefix, JsonNode? Value);

    private readonly record struct Member(int Index, string? Name, JsonNode? Value);

    // An attribute path for error messages, joined only when a message is built: the success path never needs it.
    private readonly struct ErrorPath(string path, string? sub)
    {
        private readonly string _path = path;
        private readonly string? _sub = sub;

        public static implicit operator ErrorPath(string path) => new(path, null);

        public ErrorPath Append(string sub) => _sub is null ? new ErrorPath(_path, sub) : new ErrorPath(ToString(), sub);

        public override string ToString() => _sub is null ? _path : string.Concat(_path, ".", _sub);
    }

    private readonly record struct Target(
        ScimSchemaDefinition Schema,
        ScimAttributeDefinition Attribute,
        ScimAttributeDefinition? Sub,
        bool IsExtension,
        string Path);
}
