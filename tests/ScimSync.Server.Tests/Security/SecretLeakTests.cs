// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimSync.Provisioning;
using ScimSync.Server.Tests.Observability;

namespace ScimSync.Server.Tests.Security;

/// <summary>
/// The password (RFC 7643 §4.1.1: writeOnly, returned never) and the bearer token never leave the server: not in a
/// response body or header, not in a log message at Trace level, not in the provisioning log, whether the write
/// succeeds or fails, directly or through Bulk.
/// </summary>
public sealed class SecretLeakTests : IAsyncLifetime, IDisposable
{
    // One marker inside every password sent, so one search finds any of them.
    private const string Marker = "pw-7f3a9c-secret";
    private const string WrongToken = "wrong-token-5d1e8b7a0c";
    private const string User = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private readonly CollectingLoggerProvider _logs = new();
    private readonly List<string> _responses = [];
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync(
        services: s =>
        {
            s.AddSingleton<ILoggerProvider>(_logs);
            s.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        },
        scim: b => b.ConfigureProvisioningLog(o => (o.Enabled, o.IncludeReads) = (true, true)));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task Writes_WithPassword_NeverEchoLogOrRecordIt()
    {
        var created = await SendAsync(HttpMethod.Post, "Users", $$"""{"schemas":["{{User}}"],"userName":"pw.user","password":"{{Marker}}-post"}""", HttpStatusCode.Created);
        var id = JsonDocument.Parse(created).RootElement.GetProperty("id").GetString()!;

        await SendAsync(HttpMethod.Put, $"Users/{id}", $$"""{"schemas":["{{User}}"],"userName":"pw.user","password":"{{Marker}}-put"}""", HttpStatusCode.OK);
        await SendAsync(HttpMethod.Patch, $"Users/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"password","value":"{{Marker}}-patch-path"}]}""", HttpStatusCode.OK, HttpStatusCode.NoContent);
        await SendAsync(HttpMethod.Patch, $"Users/{id}", $$$"""{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"Replace","value":{"password":"{{{Marker}}}-patch-value","displayName":"x"}}]}""", HttpStatusCode.OK, HttpStatusCode.NoContent);
        await SendAsync(HttpMethod.Patch, $"Users/{id}?attributes=password,userName", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"add","path":"password","value":"{{Marker}}-patch-attributes"}]}""", HttpStatusCode.OK, HttpStatusCode.NoContent);
        await SendAsync(HttpMethod.Post, "Bulk", $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
              {"method":"POST","bulkId":"b1","path":"/Users","data":{"schemas":["{{{User}}}"],"userName":"pw.bulk","password":"{{{Marker}}}-bulk-post"}},
              {"method":"PUT","path":"/Users/{{{id}}}","data":{"schemas":["{{{User}}}"],"userName":"pw.user","password":"{{{Marker}}}-bulk-put"}},
              {"method":"PATCH","path":"/Users/{{{id}}}","data":{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"replace","path":"password","value":"{{{Marker}}}-bulk-patch"}]}},
              {"method":"POST","bulkId":"b2","path":"/Users","data":{"schemas":["{{{User}}}"],"userName":"pw.user","password":"{{{Marker}}}-bulk-conflict"}}
            ]}
            """, HttpStatusCode.OK);

        // Failures: the error detail must name the problem, not repeat the value.
        await SendAsync(HttpMethod.Post, "Users", $$"""{"schemas":["{{User}}"],"userName":"pw.user","password":"{{Marker}}-conflict"}""", HttpStatusCode.Conflict);
        await SendAsync(HttpMethod.Post, "Users", $$"""{"schemas":["{{User}}"],"userName":"pw.bad","password":["{{Marker}}-array"]}""", HttpStatusCode.BadRequest);
        await SendAsync(HttpMethod.Post, "Users", $$$"""{"schemas":["{{{User}}}"],"userName":"pw.bad","password":{"value":"{{{Marker}}}-object"}}""", HttpStatusCode.BadRequest);
        await SendAsync(HttpMethod.Post, "Users", $$"""{"schemas":["{{User}}"],"password":"{{Marker}}-no-username"}""", HttpStatusCode.BadRequest);
        await SendAsync(HttpMethod.Post, "Users", $$"""{"schemas":["{{User}}"],"userName":"pw.bad","password":"{{Marker}}-broken-json""", HttpStatusCode.BadRequest);
        await SendAsync(HttpMethod.Patch, $"Users/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"password","value":["{{Marker}}-patch-array"]}]}""", HttpStatusCode.BadRequest);
        await SendAsync(HttpMethod.Patch, $"Users/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"password.value","value":"{{Marker}}-subattribute"}]}""", HttpStatusCode.BadRequest);
        await SendAsync(HttpMethod.Patch, $"Users/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"password","value":"{{Marker}}-then-fails"},{"op":"replace","path":"id","value":"x"}]}""", HttpStatusCode.BadRequest);

        // Reads, asking for the password by name.
        await SendAsync(HttpMethod.Get, $"Users/{id}?attributes=password", null, HttpStatusCode.OK);
        await SendAsync(HttpMethod.Get, "Users?attributes=password,userName", null, HttpStatusCode.OK);
        await SendAsync(HttpMethod.Post, "Users/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"attributes":["password"]}""", HttpStatusCode.OK);

        await _host.Services.GetRequiredService<Internal.ProvisioningLogWriter>().FlushAsync();
        var entries = (await _host.Services.GetRequiredService<IProvisioningLog>().QueryAsync(new ProvisioningLogQuery { PageSize = 1000 })).Entries;
        Assert.True(entries.Count >= 15, $"only {entries.Count} provisioning log entries");
        Assert.NotEmpty(_logs.Messages);

        AssertAbsent(Marker);
        AssertAbsent(ScimTestHost.Token);
        Assert.All(entries, e => Assert.DoesNotContain(Marker, JsonSerializer.Serialize(e), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthenticationFailures_LogWithoutTheToken()
    {
        foreach (var header in (string[])[$"Bearer {WrongToken}", WrongToken, $"Basic {WrongToken}", $"Bearer {ScimTestHost.Token}x", $"bearer {WrongToken} extra"])
        {
            using var anonymous = _host.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "Users");
            request.Headers.TryAddWithoutValidation("Authorization", header);
            var response = await anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            _responses.Add(await response.Content.ReadAsStringAsync() + response.Headers);
        }

        await _host.Services.GetRequiredService<Internal.ProvisioningLogWriter>().FlushAsync();
        var entries = (await _host.Services.GetRequiredService<IProvisioningLog>().QueryAsync(new ProvisioningLogQuery { PageSize = 1000 })).Entries;
        Assert.NotEmpty(entries);
        Assert.Contains(_logs.Messages, m => m.Level >= LogLevel.Information);

        AssertAbsent(WrongToken);
        AssertAbsent(ScimTestHost.Token);
        Assert.All(entries, e => Assert.DoesNotContain(WrongToken, JsonSerializer.Serialize(e), StringComparison.Ordinal));
    }

    private async Task<string> SendAsync(HttpMethod method, string path, string? json, params HttpStatusCode[] expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : ScimTestHost.Json(json) };
        var response = await _host.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        _responses.Add(body + "\n" + response.Headers + response.Content.Headers);
        Assert.True(expected.Contains(response.StatusCode), $"{method} {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    private void AssertAbsent(string secret)
    {
        Assert.All(_responses, r => Assert.DoesNotContain(secret, r, StringComparison.Ordinal));
        Assert.All(_logs.Messages, m => Assert.DoesNotContain(secret, m.Message, StringComparison.Ordinal));
    }
}
