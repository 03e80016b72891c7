// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimSync.Server;
using Xunit;

namespace ScimSync.Conformance;

/// <summary>
/// The SCIM protocol as Microsoft Entra ID, Okta and the RFC 7644 examples exercise it, run over HTTP against a
/// ScimSync server on the store a subclass configures. Every test uses fresh, unique names, so the store may be
/// shared between tests and may already hold data.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyStoreProtocolTests : ScimProtocolConformanceTests
/// {
///     protected override void ConfigureStore(ScimProvisioningBuilder scim) => scim.AddUserStore&lt;MyUserStore&gt;().AddGroupStore&lt;MyGroupStore&gt;();
/// }
/// </code>
/// </example>
public abstract class ScimProtocolConformanceTests : IAsyncLifetime
{
    private const string Token = "conformance-token-0123456789abcdef";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string EnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string PatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private WebApplication? _app;

    /// <summary>Gets the client, authenticated, with the SCIM base URL as its base address.</summary>
    protected HttpClient Client { get; private set; } = null!;

    /// <summary>Adds the store under test.</summary>
    /// <param name="scim">The SCIM builder of the test host.</param>
    protected abstract void ConfigureStore(ScimProvisioningBuilder scim);

    /// <summary>Adds further services to the test host (for example the store's own dependencies).</summary>
    /// <param name="services">The host's services.</param>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddScimProvisioning(scim =>
        {
            scim.AddConnection("conformance", c => c.UseBearerToken(Token));
            ConfigureStore(scim);
        });
        ConfigureServices(builder.Services);
        _app = builder.Build();
        _app.MapScim("/scim");
        await _app.StartAsync().ConfigureAwait(false);
        Client = _app.GetTestClient();
        Client.BaseAddress = new Uri("http://localhost/scim/conformance/v2/");
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <inheritdoc/>
    public virtual async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Entra ID: look up, create with the enterprise extension, disable with its quirks, read, delete.</summary>
    [Fact]
    public async Task Entra_UserLifecycle()
    {
        var userName = Name("entra") + "@contoso.com";
        var lookup = await GetJsonAsync("Users?filter=" + Uri.EscapeDataString($"userName eq \"{userName}\""));
        Assert.Equal(0, lookup["totalResults"]!.GetValue<int>());

        var created = await SendAsync(HttpMethod.Post, "Users", $$"""
            {"schemas":["{{UserSchema}}","{{EnterpriseSchema}}"],"externalId":"{{Name("ext")}}","userName":"{{userName}}","active":true,
             "emails":[{"primary":true,"type":"work","value":"{{userName}}"}],"meta":{"resourceType":"User"},
             "name":{"formatted":"Given Family","familyName":"Family","givenName":"Given"},"roles":[],
             "{{EnterpriseSchema}}":{"department":"Sales"}
            }
            """);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.Location);
        Assert.NotNull(created.Headers.ETag);
        var id = (await BodyAsync(created))["id"]!.GetValue<string>();

        var found = await GetJsonAsync("Users?filter=" + Uri.EscapeDataString($"userName eq \"{userName.ToUpperInvariant()}\""));
        Assert.Equal(id, found["Resources"]![0]!["id"]!.GetValue<string>());

        var patched = await SendAsync(HttpMethod.Patch, $"Users/{id}", $$"""
            {"schemas":["{{PatchSchema}}"],"Operations":[
              {"op":"Replace","path":"active","value":"False"},
              {"op":"Replace","path":"emails[type eq \"work\"].value","value":"changed-{{userName}}"},
              {"op":"Add","path":"{{EnterpriseSchema}}:department","value":"Support"}]}
            """);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var user = await GetJsonAsync($"Users/{id}");
        Assert.False(user["active"]!.GetValue<bool>());
        Assert.Equal("changed-" + userName, user["emails"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("Support", user[EnterpriseSchema]!["department"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"Users/{id}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"Users/{id}")).StatusCode);
    }

    /// <summary>Entra ID: a group, member adds and removals by PATCH, reads without members, membership checks by filter.</summary>
    [Fact]
    public async Task Entra_GroupMembership()
    {
        var alice = await CreateUserAsync(Name("alice"));
        var bob = await CreateUserAsync(Name("bob"));
        var group = await CreateAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"externalId":"{{Name("gext")}}","displayName":"{{Name("group")}}","members":[]}""");

        var add = await SendAsync(HttpMethod.Patch, $"Groups/{group}", $$"""
            {"schemas":["{{PatchSchema}}"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{alice}}"},{"value":"{{bob}}"}]}]}
            """);
        Assert.True(add.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK, $"PATCH add answered {(int)add.StatusCode}");

        var withoutMembers = await GetJsonAsync($"Groups/{group}?excludedAttributes=members");
        Assert.Null(withoutMembers["members"]);
        var check = await GetJsonAsync("Groups?excludedAttributes=members&filter=" + Uri.EscapeDataString($"id eq \"{group}\" and members[value eq \"{alice}\"]"));
        Assert.Equal(1, check["totalResults"]!.GetValue<int>());

        var remove = await SendAsync(HttpMethod.Patch, $"Groups/{group}", $$"""
            {"schemas":["{{PatchSchema}}"],"Operations":[{"op":"Remove","path":"members[value eq \"{{alice}}\"]"}]}
            """);
        Assert.True(remove.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK);
        var members = (await GetJsonAsync($"Groups/{group}"))["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()).ToList();
        Assert.Equal([bob], members);

        var rename = await SendAsync(HttpMethod.Patch, $"Groups/{group}", $$"""
            {"schemas":["{{PatchSchema}}"],"Operations":[{"op":"Replace","path":"displayName","value":"{{Name("renamed")}}"}]}
            """);
        Assert.True(rename.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK);
        Assert.Equal(Name("renamed"), (await GetJsonAsync($"Groups/{group}?attributes=displayName"))["displayName"]!.GetValue<string>());
    }

    /// <summary>
    /// RFC 7643 §4.1.2 and §4.2: a User's <c>groups</c> and a Group's <c>members</c> carry <c>$ref</c>s to the
    /// resources, in single reads and in lists; an empty member list is left out; <c>meta.location</c> is the URL.
    /// </summary>
    [Fact]
    public async Task References_InGroupsAndMembers()
    {
        var alice = await CreateUserAsync(Name("ref-alice"));
        var group = await CreateAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"{{Name("ref-group")}}","members":[{"value":"{{alice}}"}]}""");
        var empty = await CreateAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"{{Name("ref-empty")}}"}""");

        var user = await GetJsonAsync($"Users/{alice}");
        var reference = Assert.Single(user["groups"]!.AsArray())!;
        Assert.Equal(group, reference["value"]!.GetValue<string>());
        Assert.Equal(Name("ref-group"), reference["display"]!.GetValue<string>());
        Assert.EndsWith($"/Groups/{group}", reference["$ref"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith($"/Users/{alice}", user["meta"]!["location"]!.GetValue<string>(), StringComparison.Ordinal);

        var listed = await GetJsonAsync("Users?attributes=groups&filter=" + Uri.EscapeDataString($"id eq \"{alice}\""));
        var listedReference = Assert.Single(Assert.Single(listed["Resources"]!.AsArray())!["groups"]!.AsArray())!;
        Assert.EndsWith($"/Groups/{group}", listedReference["$ref"]!.GetValue<string>(), StringComparison.Ordinal);

        var member = Assert.Single((await GetJsonAsync($"Groups/{group}"))["members"]!.AsArray())!;
        Assert.Equal(alice, member["value"]!.GetValue<string>());
        Assert.EndsWith($"/Users/{alice}", member["$ref"]!.GetValue<string>(), StringComparison.Ordinal);

        var emptyGroup = await GetJsonAsync($"Groups/{empty}");
        Assert.False(emptyGroup.ContainsKey("members"), emptyGroup.ToJsonString());
        Assert.Equal(Name("ref-empty"), emptyGroup["displayName"]!.GetValue<string>());
    }

    /// <summary>Okta: paged lookup, create, full replace to deactivate, group push with replace of members.</summary>
    [Fact]
    public async Task Okta_UserAndGroupPush()
    {
        var userName = Name("okta") + "@example.com";
        var lookup = await GetJsonAsync("Users?filter=" + Uri.EscapeDataString($"userName eq \"{userName}\"") + "&startIndex=1&count=100");
        Assert.Equal(0, lookup["totalResults"]!.GetValue<int>());
        var id = await CreateAsync("Users", $$"""
            {"schemas":["{{UserSchema}}"],"userName":"{{userName}}","name":{"givenName":"Okta","familyName":"User"},
             "emails":[{"primary":true,"value":"{{userName}}","type":"work"}],"displayName":"Okta User","locale":"en-US","externalId":"{{Name("o")}}",
             "groups":[],"password":"1mz050nq","active":true}
            """);
        var stored = await GetJsonAsync($"Users/{id}");
        Assert.Null(stored["password"]);

        var replaced = await SendAsync(HttpMethod.Put, $"Users/{id}", $$"""
            {"schemas":["{{UserSchema}}"],"id":"{{id}}","userName":"{{userName}}","name":{"givenName":"Okta","familyName":"User"},
             "emails":[{"primary":true,"value":"{{userName}}","type":"work"}],"active":false}
            """);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.False((await BodyAsync(replaced))["active"]!.GetValue<bool>());

        var group = await CreateAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"{{Name("okta-group")}}","members":[]}""");
        var push = await SendAsync(HttpMethod.Patch, $"Groups/{group}", $$"""
            {"schemas":["{{PatchSchema}}"],"Operations":[{"op":"replace","value":{"id":"{{group}}","displayName":"{{Name("okta-group")}}"} },
              {"op":"add","path":"members","value":[{"value":"{{id}}","display":"{{userName}}"}]}]}
            """);
        Assert.True(push.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK, $"PATCH answered {(int)push.StatusCode}: {await push.Content.ReadAsStringAsync()}");
        var pushed = await (await Client.GetAsync($"Groups/{group}")).Content.ReadAsStringAsync();
        Assert.Single(JsonNode.Parse(pushed)!["members"]!.AsArray());
        Assert.Equal(1, pushed.Split("\"id\":").Length - 1);
    }

    /// <summary>RFC 7644 §3.12: each kind of bad request gets its status and <c>scimType</c>, never a 500.</summary>
    [Fact]
    public async Task Errors_HaveStatusAndScimType()
    {
        var userName = Name("dup");
        await CreateUserAsync(userName);
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, "Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"{{userName.ToUpperInvariant()}}"}"""), 409, "uniqueness");
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, "Users", "{\"schemas\":["), 400, "invalidSyntax");
        await AssertErrorAsync(await Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq")), 400, "invalidFilter");
        await AssertErrorAsync(await Client.GetAsync("Users/" + Guid.NewGuid()), 404, null);
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, "Users", $$"""{"schemas":["{{UserSchema}}"]}"""), 400, "invalidValue");
        await AssertErrorAsync(await SendAsync(HttpMethod.Patch, "Users/" + Guid.NewGuid(), $$"""{"schemas":["{{PatchSchema}}"],"Operations":[{"op":"jump","path":"active","value":true}]}"""), 400, "invalidSyntax");
    }

    /// <summary>RFC 7644 §3.14: versions as ETags; stale <c>If-Match</c> is 412, a current <c>If-None-Match</c> 304.</summary>
    [Fact]
    public async Task Versions_ETagsPreconditions()
    {
        var id = await CreateUserAsync(Name("etag"));
        var read = await Client.GetAsync($"Users/{id}");
        var etag = read.Headers.ETag!;

        using var notModified = new HttpRequestMessage(HttpMethod.Get, $"Users/{id}");
        notModified.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await Client.SendAsync(notModified)).StatusCode);

        using var change = new HttpRequestMessage(HttpMethod.Patch, $"Users/{id}") { Content = Json($$"""{"schemas":["{{PatchSchema}}"],"Operations":[{"op":"replace","path":"title","value":"One"}]}""") };
        change.Headers.IfMatch.Add(etag);
        var changed = await Client.SendAsync(change);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);

        using var stale = new HttpRequestMessage(HttpMethod.Patch, $"Users/{id}") { Content = Json($$"""{"schemas":["{{PatchSchema}}"],"Operations":[{"op":"replace","path":"title","value":"Two"}]}""") };
        stale.Headers.IfMatch.Add(etag);
        await AssertErrorAsync(await Client.SendAsync(stale), 412, null);
        Assert.Equal("One", (await GetJsonAsync($"Users/{id}"))["title"]!.GetValue<string>());
    }

    /// <summary>RFC 7644 §3.4.2: filter, sort and 1-based paging with totals.</summary>
    [Fact]
    public async Task List_FilterSortAndPage()
    {
        var prefix = Name("page");
        foreach (var suffix in new[] { "c", "a", "e", "b", "d" })
        {
            await CreateUserAsync($"{prefix}-{suffix}");
        }

        var filter = Uri.EscapeDataString($"userName sw \"{prefix}-\"");
        var page = await GetJsonAsync($"Users?filter={filter}&sortBy=userName&startIndex=2&count=2");
        Assert.Equal(5, page["totalResults"]!.GetValue<int>());
        Assert.Equal(2, page["startIndex"]!.GetValue<int>());
        Assert.Equal(2, page["itemsPerPage"]!.GetValue<int>());
        Assert.Equal([$"{prefix}-b", $"{prefix}-c"], page["Resources"]!.AsArray().Select(r => r!["userName"]!.GetValue<string>()));

        var search = await SendAsync(HttpMethod.Post, "Users/.search", $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName sw \"{{prefix}}-\"","attributes":["userName"],"sortBy":"userName","sortOrder":"descending","count":1}
            """);
        var found = await BodyAsync(search);
        Assert.Equal($"{prefix}-e", found["Resources"]![0]!["userName"]!.GetValue<string>());
        Assert.Null(found["Resources"]![0]!["emails"]);
    }

    /// <summary>RFC 7644 §4: discovery documents are served and consistent.</summary>
    [Fact]
    public async Task Discovery_IsServed()
    {
        var config = await GetJsonAsync("ServiceProviderConfig");
        Assert.True(config["patch"]!["supported"]!.GetValue<bool>());
        var types = await GetJsonAsync("ResourceTypes");
        Assert.Contains(types["Resources"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "User");
        var schemas = await GetJsonAsync("Schemas");
        Assert.Contains(schemas["Resources"]!.AsArray(), s => s!["id"]!.GetValue<string>() == UserSchema);
    }

    /// <summary>Creates a unique name for this test run.</summary>
    /// <param name="label">A readable part.</param>
    /// <returns>The name.</returns>
    protected string Name(string label) => $"{label}-{_run}";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/scim+json");

    private static async Task<JsonObject> BodyAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false))!.AsObject();

    private static async Task AssertErrorAsync(HttpResponseMessage response, int status, string? scimType)
    {
        Assert.Equal(status, (int)response.StatusCode);
        var body = await BodyAsync(response).ConfigureAwait(false);
        Assert.Contains("urn:ietf:params:scim:api:messages:2.0:Error", body["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), body["status"]!.GetValue<string>());
        Assert.Equal(scimType, body["scimType"]?.GetValue<string>());
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = Json(json);
        }

        return Client.SendAsync(request);
    }

    private async Task<JsonObject> GetJsonAsync(string path)
    {
        var response = await Client.GetAsync(path).ConfigureAwait(false);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BodyAsync(response).ConfigureAwait(false);
    }

    private async Task<string> CreateAsync(string endpoint, string json)
    {
        var response = await SendAsync(HttpMethod.Post, endpoint, json).ConfigureAwait(false);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await BodyAsync(response).ConfigureAwait(false))["id"]!.GetValue<string>();
    }

    private Task<string> CreateUserAsync(string userName) =>
        CreateAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"{{userName}}","emails":[{"value":"{{userName}}@example.com","type":"work"}]}""");
}
