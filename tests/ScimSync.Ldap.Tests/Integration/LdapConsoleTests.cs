// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Ldap.Tests.Integration;

/// <summary>
/// The operator console's directory sync page against the real slapd: "Test user" looks one login up and writes
/// nothing; "Sync now" runs in the background and its outcome shows on the page.
/// </summary>
public sealed partial class LdapConsoleTests : IAsyncDisposable
{
    private const string Connection = "corp";
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-ldap-console-").FullName;
    private WebApplication? _app;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [LdapFact]
    public async Task SyncPage_TestUserThenSyncNow_ShowsTheUserAndTheRunsCounts()
    {
        var client = await StartAsync();

        var page = await client.GetAsync(new Uri("/scim-admin/sync", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(LdapTestServer.PeopleDn), html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{WebUtility.HtmlEncode(LdapTestServer.AdminDn)}\"", html, StringComparison.Ordinal);
        Assert.Contains("Its password is set in configuration", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"\"{WebUtility.HtmlEncode(LdapTestServer.AdminPassword)}\"", html, StringComparison.Ordinal);

        var tested = await PostAsync(client, page, html, $"/scim-admin/sync/ldap/{Connection}/test", ("login", "user0002"));
        var result = await tested.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
        Assert.Contains("Found: " + WebUtility.HtmlEncode(LdapTestServer.UserDn), result, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&quot;userName&quot;: &quot;user0002&quot;", result, StringComparison.Ordinal);
        var provisioner = _app!.Services.GetRequiredService<ScimProvisioner>();
        Assert.Equal(0, (await provisioner.ListAsync(Connection, ScimResourceKind.User, new ListQuery { Count = 0 })).TotalResults);

        var missing = await PostAsync(client, page, html, $"/scim-admin/sync/ldap/{Connection}/test", ("login", "*)(uid=*"));
        Assert.Contains("No user found", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A filter saved in the console applies to the next test at once; a malformed one is refused next to its field.
        var refused = await PostAsync(client, page, html, $"/scim-admin/sync/ldap/{Connection}/settings", ("version", "0"), ("userFilter", "objectClass=person"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("id=\"f-userFilter-error\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var settings = _app!.Services.GetRequiredService<ScimSync.Admin.ScimConsoleSettings>();
        var source = Assert.Single(settings.GetLdapSources());
        Assert.False(source.FromConsole);
        source.Settings.UserFilter = "(&(objectClass=inetOrgPerson)(!(uid=user0002)))";
        await settings.SetLdapSourceAsync(Connection, source.Settings, source.Version);
        var excluded = await PostAsync(client, page, html, $"/scim-admin/sync/ldap/{Connection}/test", ("login", "user0002"));
        var excludedHtml = await excluded.Content.ReadAsStringAsync();
        Assert.Contains("No user found", excludedHtml, StringComparison.Ordinal);
        Assert.Contains("(saved in the console)", excludedHtml, StringComparison.Ordinal);
        await settings.ResetLdapSourceAsync(Connection, Assert.Single(settings.GetLdapSources()).Version);

        var started = await PostAsync(client, page, html, $"/scim-admin/sync/ldap/{Connection}/run", ("mode", "Full"));
        Assert.Contains("started", await started.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        string outcome;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(200);
            outcome = await client.GetStringAsync(new Uri("/scim-admin/sync", UriKind.Relative));
        }
        while (!outcome.Contains("Full run started", StringComparison.Ordinal) && DateTimeOffset.UtcNow < deadline);

        Assert.Matches(@"Full run started .* complete\.", outcome);
        var users = (await provisioner.ListAsync(Connection, ScimResourceKind.User, new ListQuery { Count = 0 })).TotalResults;
        Assert.True(users > 0);
        Assert.Contains($"Users: {users} seen, {users} created", outcome, StringComparison.Ordinal);
    }

    private async Task<HttpClient> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddScimProvisioning(scim => scim
            .AddSqliteStore(o => o.DatabasePath = Path.Combine(_directory, "scim.db"))
            .AddLdapSource(Connection, o =>
            {
                o.Server = LdapTestServer.Admin(LdapSecurity.StartTls);
                o.Profile = LdapProfileKind.OpenLdap;
                o.UserBaseDns.Add(LdapTestServer.PeopleDn);
                o.GroupBaseDns.Add(LdapTestServer.GroupsDn);
            })
            .AddConnection(Connection, c => c.UsePolicies(_ => { }))
            .AddOperatorConsole(o => o.RefreshInterval = TimeSpan.Zero));
        builder.Services.AddSingleton<ILdapSyncStateStore>(new InMemoryLdapSyncStateStore());

        // The console needs a policy; this test's operators are anonymous.
        builder.Services.AddAuthorizationBuilder().AddPolicy("operators", p => p.RequireAssertion(_ => true));
        _app = builder.Build();
        _app.UseAuthorization();
        _app.MapScim("/scim");
        _app.MapScimAdmin("/scim-admin", "operators");
        await _app.StartAsync();
        return _app.GetTestClient();
    }

    /// <summary>Posts a console form with the anti-forgery token and cookie of the page it came from.</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, HttpResponseMessage page, string html, string action, params (string Name, string Value)[] fields)
    {
        var token = AntiforgeryField().Match(html);
        Assert.True(token.Success, "The page has no anti-forgery field.");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(action, UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new(token.Groups["name"].Value, WebUtility.HtmlDecode(token.Groups["value"].Value)), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]),
        };
        foreach (var cookie in page.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [])
        {
            request.Headers.Add("Cookie", cookie.Split(';')[0]);
        }

        return await client.SendAsync(request);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]+)\">")]
    private static partial Regex AntiforgeryField();
}
