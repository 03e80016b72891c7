// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimSync.Stores.InMemory.Tests;

/// <summary>
/// What the in-memory store keeps is its own: values parsed from a request (which the PATCH engine copies without
/// decoding) must not keep the request's body alive for as long as the resource lives.
/// </summary>
public sealed class InMemoryStoreOwnershipTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    [Fact]
    public async Task CreateAndReplace_ParsedValues_AreNotKeptInTheRequestsDocument()
    {
        var users = new InMemoryScimStoreProvider().GetUserStore("default");
        var location = new string('x', 1000);
        var create = Parse($$$"""{"schemas":["{{{UserSchema}}}"],"userName":"ada","displayName":"Ada Lovelace","meta":{"location":"{{{location}}}"}}""");
        var created = await users.CreateAsync(create, CancellationToken.None);
        Assert.True(created.IsSuccess);
        var id = created.Value!.Id;

        var stored = (await users.GetAsync(id, includeMembers: false, CancellationToken.None)).Value!.Resource;
        Assert.Equal("Ada Lovelace", stored["displayName"]!.GetValue<string>());
        Assert.False(SameBytes(create["displayName"]!, stored["displayName"]!), "the stored displayName points into the create request's body");

        var replace = Parse($$"""{"schemas":["{{UserSchema}}"],"userName":"ada","displayName":"Ada King"}""");
        var replaced = await users.ReplaceAsync(id, replace, expectedVersion: null, CancellationToken.None);
        Assert.True(replaced.IsSuccess);
        stored = (await users.GetAsync(id, includeMembers: false, CancellationToken.None)).Value!.Resource;
        Assert.Equal("Ada King", stored["displayName"]!.GetValue<string>());
        Assert.False(SameBytes(replace["displayName"]!, stored["displayName"]!), "the stored displayName points into the replace request's body");
    }

    [Fact]
    public void SameBytes_ValueCopiedByDeepClone_IsDetected()
    {
        // The check itself: a DeepClone of a parsed value shares its document, which is what the store must undo.
        var request = Parse("""{"displayName":"Ada"}""");
        Assert.True(SameBytes(request["displayName"]!, request["displayName"]!.DeepClone()));
        Assert.False(SameBytes(request["displayName"]!, Parse("""{"displayName":"Ada"}""")["displayName"]!));
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    // Whether two parsed values are the same bytes of the same document.
    private static bool SameBytes(JsonNode a, JsonNode b) =>
        a.AsValue().TryGetValue(out JsonElement ea) && b.AsValue().TryGetValue(out JsonElement eb) &&
        Unsafe.AreSame(
            ref MemoryMarshal.GetReference(JsonMarshal.GetRawUtf8Value(ea)),
            ref MemoryMarshal.GetReference(JsonMarshal.GetRawUtf8Value(eb)));
}
