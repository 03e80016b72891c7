// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Patching;

/// <summary>
/// The net effect of a PATCH request that only touches a group's <c>members</c>, as member ids to add and remove,
/// so a store can change one row per member instead of loading the whole group.
/// </summary>
/// <remarks>
/// RFC 7644 §3.5.2 applied to the Group <c>members</c> attribute (RFC 7643 §4.2). Apply it as: when
/// <see cref="ReplacesAll"/> is set, delete every existing member first; then delete <see cref="Removed"/> and insert
/// <see cref="Added"/> (skipping ids already present). <see cref="Added"/> and <see cref="Removed"/> never share an
/// id. Only the member ids are carried: <c>display</c>, <c>type</c> and <c>$ref</c> sent with them are not.
/// </remarks>
/// <param name="ReplacesAll">Whether every existing member is removed before <see cref="Added"/> is applied.</param>
/// <param name="Added">The member ids to add, in request order, each once.</param>
/// <param name="Removed">The member ids to remove, in request order, each once. Empty when <see cref="ReplacesAll"/>.</param>
public sealed record MembershipChange(bool ReplacesAll, IReadOnlyList<string> Added, IReadOnlyList<string> Removed);
