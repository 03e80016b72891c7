// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimSync.Provisioning;

namespace ScimSync.Server.Tests.Observability;

public sealed class ProvisioningLogTests : IAsyncLifetime, IDisposable
{
    private const string Password = "Tr0ub4dor&3-never-logged";
    private readonly CollectingLoggerProvider _logs = new();
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync(services: s =>
    {
        s.AddSingleton<ILoggerProvider>(_logs);
        s.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task Create_WithPassword_RecordsNamesButNeverValuesOrTokens()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "Users")
        {
            Content = ScimTestHost.Json($$"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"pw-user","password":"{{Password}}","displayName":"Secret Name"}
                """),
        };
        request.Headers.Add("client-request-id", "5b2b1f4e-entra");
        var response = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await ScimTestHost.BodyAsync(response))["id"]!.GetValue<string>();

        var entry = Assert.Single(await _host.LogAsync());
        Assert.Equal(ProvisioningOperations.Create, entry.Operation);
        Assert.Equal("test", entry.Connection);
        Assert.Equal("Generic", entry.IdentityProvider);
        Assert.Equal("User", entry.ResourceType);
        Assert.Equal(id, entry.ResourceId);
        Assert.Equal(201, entry.Status);
        Assert.True(entry.Succeeded);
        Assert.Equal("5b2b1f4e-entra", entry.RequestId);
        Assert.Equal("0", entry.TokenName);
        Assert.Contains("userName", entry.ChangedAttributes);
        Assert.Contains("displayName", entry.ChangedAttributes);

        var recorded = JsonSerializer.Serialize(entry) + string.Join('\n', _logs.Messages.Select(m => m.Message));
        Assert.DoesNotContain(Password, recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret Name", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-user", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain(ScimTestHost.Token, recorded, StringComparison.Ordinal);
        Assert.Contains(_logs.Messages, m => m.EventId.Id == 200 && m.Level == LogLevel.Information && m.Message.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Patch_RecordsTheEnginesChangedAttributesAndXRequestId()
    {
        var id = (await _host.CreateUserAsync("patchy"))["id"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"Users/{id}")
        {
            Content = ScimTestHost.Json("""
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","path":"displayName","value":"New"},{"op":"add","path":"name.familyName","value":"Jensen"}]}
                """),
        };
        request.Headers.Add("X-Request-ID", "okta-req-1");
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.SendAsync(request)).StatusCode);

        var entry = (await _host.LogAsync())[0];
        Assert.Equal(ProvisioningOperations.Patch, entry.Operation);
        Assert.Equal(id, entry.ResourceId);
        Assert.Equal(["displayName", "name.familyName"], entry.ChangedAttributes);
        Assert.Equal("okta-req-1", entry.RequestId);
    }

    [Fact]
    public async Task Replace_RecordsTopLevelAttributesThatDiffer()
    {
        var id = (await _host.CreateUserAsync("replaced", ",\"title\":\"Old\",\"displayName\":\"Same\""))["id"]!.GetValue<string>();
        var response = await _host.Client.PutAsync($"Users/{id}", ScimTestHost.Json("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"replaced","title":"New","displayName":"Same"}
            """));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var entry = (await _host.LogAsync())[0];
        Assert.Equal(ProvisioningOperations.Replace, entry.Operation);
        Assert.Equal(["title"], entry.ChangedAttributes);
    }

    [Fact]
    public async Task Failures_RecordStatusAndScimType_AndFilterByOutcome()
    {
        await _host.CreateUserAsync("dup");
        Assert.Equal(HttpStatusCode.Conflict, (await _host.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dup"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.DeleteAsync("Users/missing")).StatusCode);

        var failed = await _host.LogAsync(new ProvisioningLogQuery { Outcome = ProvisioningOutcomeFilter.Failed });
        Assert.Equal(2, failed.Count);
        Assert.Equal((ProvisioningOperations.Delete, 404, "missing"), (failed[0].Operation, failed[0].Status, failed[0].ResourceId));
        Assert.Equal((ProvisioningOperations.Create, 409, "uniqueness"), (failed[1].Operation, failed[1].Status, failed[1].ScimType));
        Assert.Empty(failed[1].ChangedAttributes);
        var succeeded = Assert.Single(await _host.LogAsync(new ProvisioningLogQuery { Outcome = ProvisioningOutcomeFilter.Succeeded }));
        Assert.Equal(201, succeeded.Status);
    }

    [Fact]
    public async Task Reads_WithIncludeReads_AreRecordedAsGetListAndSearch()
    {
        await using var host = await ScimTestHost.StartAsync(services: s => s.Configure<ScimProvisioningLogOptions>(o => o.IncludeReads = true));
        var id = (await host.CreateUserAsync("reader"))["id"]!.GetValue<string>();
        await host.Client.GetAsync($"Users/{id}");
        await host.Client.GetAsync("Users?filter=userName%20eq%20%22reader%22");
        await host.PostAsync("Users/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"count":1}""");
        await host.Client.GetAsync("ServiceProviderConfig");

        var entries = await host.LogAsync();
        Assert.Equal(
            [ProvisioningOperations.Discovery, ProvisioningOperations.Search, ProvisioningOperations.List, ProvisioningOperations.Get, ProvisioningOperations.Create],
            entries.Select(e => e.Operation));
        Assert.Equal(id, entries[3].ResourceId);
        Assert.Equal(2, (await host.LogAsync(new ProvisioningLogQuery { ResourceId = id })).Count);
    }

    [Fact]
    public async Task Reads_ByDefault_OnlyFailedOnesAreRecorded()
    {
        var id = (await _host.CreateUserAsync("quiet-reader"))["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync($"Users/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync("Users?filter=userName%20eq%20%22quiet-reader%22")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync("ServiceProviderConfig")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Client.GetAsync("Users?filter=userName%20zz%20%22x%22")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync("Users/no-such-user")).StatusCode);

        var entries = await _host.LogAsync();
        Assert.Equal(
            [(ProvisioningOperations.Get, 404), (ProvisioningOperations.List, 400), (ProvisioningOperations.Create, 201)],
            entries.Select(e => (e.Operation, e.Status)));
    }

    [Fact]
    public async Task Query_PagesNewestFirstWithAContinuation()
    {
        for (var i = 0; i < 5; i++)
        {
            await _host.CreateUserAsync($"paged{i}");
        }

        await _host.Services.GetRequiredService<Internal.ProvisioningLogWriter>().FlushAsync();
        var log = _host.Services.GetRequiredService<IProvisioningLog>();
        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await log.QueryAsync(new ProvisioningLogQuery { Connection = "TEST", PageSize = 2, Continuation = continuation });
            seen.AddRange(page.Entries.Select(e => e.ResourceId!));
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null);

        Assert.Equal(3, pages);
        Assert.Equal(5, seen.Distinct().Count());
        Assert.Empty((await log.QueryAsync(new ProvisioningLogQuery { Connection = "other" })).Entries);
    }

    [Fact]
    public async Task BadCredentials_AreRecordedWithoutAToken_UnknownConnectionsAreNot()
    {
        using var anonymous = _host.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-token-value");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("Users")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("http://localhost/scim/nope/v2/Users")).StatusCode);

        var entry = Assert.Single(await _host.LogAsync());
        Assert.Equal((ProvisioningOperations.List, 401, null), (entry.Operation, entry.Status, entry.TokenName));
        Assert.DoesNotContain("wrong-token-value", JsonSerializer.Serialize(entry), StringComparison.Ordinal);
    }
}
