// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScimSync.Server;

namespace ScimSync.Pull.Tests.Docs;

/// <summary>
/// The examples of docs/pull.md and the package README: each C# block there is a region of this file (checked by
/// DocsSnippetTests), and the test runs them over the in-memory store with a file written here.
/// </summary>
public sealed class PullDocsExamples : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "scimsync-hr-" + Guid.NewGuid().ToString("N") + ".json");

    [Fact]
    public async Task Docs_CustomSource_SyncsDriftsAndTestsOneUser()
    {
        await File.WriteAllTextAsync(_file, """
            [
              { "employeeId": "1001", "login": "ada@example.com", "name": "Ada Lovelace", "email": "ada@example.com", "department": "Research", "active": true, "teams": ["Analytics"] },
              { "employeeId": "1002", "login": "bob@example.com", "name": "Bob Babbage", "email": "bob@example.com", "department": "Engines", "active": true, "teams": ["Analytics", "Engines"] }
            ]
            """);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IPullStateStore>(new InMemoryPullStateStore());
        var path = _file;

        #region register-custom-source
        builder.Services.AddScimProvisioning(scim => scim
            .AddInMemoryStore() // your store: AddSqliteStore, AddPostgreSqlStore, …
            .AddPullSource<PullSourceOptions>(
                "hr",
                IdentityProvider.Generic,
                "ScimSync:Hr",
                o => o.Interval = TimeSpan.FromHours(1),
                (services, options) => new HrFileSource(path))
            .AddConnection("hr", c => c.UsePolicies(p => p.GroupMapping.DefaultGroupsForAllUsers.Add("staff"))));
        #endregion

        using var app = builder.Build();
        var output = new StringWriter();

        #region sync-on-demand
        var synchronizer = app.Services.GetRequiredService<PullSynchronizer>();
        var result = await synchronizer.SyncAsync("hr", PullSyncMode.Full);
        output.WriteLine($"{result.Mode}, complete: {result.Complete}; users created {result.Users.Created}, updated {result.Users.Updated}, removed {result.Users.Removed}; groups created {result.Groups.Created}");
        foreach (var error in result.Errors)
        {
            output.WriteLine(error);
        }
        #endregion

        Assert.Equal("Full, complete: True; users created 2, updated 0, removed 0; groups created 2", output.ToString().Trim());

        await File.WriteAllTextAsync(_file, """
            [
              { "employeeId": "1001", "login": "ada@example.com", "name": "Ada Lovelace", "email": "ada@example.com", "department": "Analytics", "active": true, "teams": ["Analytics"] },
              { "employeeId": "1003", "login": "cyd@example.com", "name": "Cyd Charisse", "email": "cyd@example.com", "department": "Dance", "active": true, "teams": [] }
            ]
            """);
        output.GetStringBuilder().Clear();

        #region drift-report
        var report = await synchronizer.DriftAsync("hr");
        foreach (var item in report.Items)
        {
            output.WriteLine($"{item.Kind} {item.Name}: {item.Drift} {string.Join(", ", item.Details)}");
        }
        #endregion

        Assert.Equal(
            """
            User cyd@example.com: MissingInStore 
            User bob@example.com: NotInSource 
            User ada@example.com: AttributesDiffer urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department
            Group Engines: NotInSource 
            Group Analytics: MembersDiffer -1002
            """.Replace("\r", string.Empty, StringComparison.Ordinal),
            output.ToString().Replace("\r", string.Empty, StringComparison.Ordinal).TrimEnd());
        output.GetStringBuilder().Clear();

        #region test-user
        var test = await synchronizer.TestUserAsync("hr", "cyd@example.com");
        output.WriteLine(test.Found
            ? $"{test.User!["userName"]}: {test.Preview!.Action}, joins {string.Join(", ", test.Preview.GroupsJoined)}"
            : test.Error ?? "No such user.");
        #endregion

        Assert.Equal("cyd@example.com: create, joins staff", output.ToString().Trim());
    }

    public void Dispose() => File.Delete(_file);
}

#region custom-source
/// <summary>Users and teams from an HR system's nightly JSON export: a full listing on every run, no cursor.</summary>
public sealed class HrFileSource(string path) : IIdentitySource
{
    private static readonly SourceAttributeMap Map = new(new Dictionary<string, string>
    {
        ["userName"] = "login",
        ["displayName"] = "name",
        ["emails[type eq \"work\"].value"] = "email",
        ["enterprise.department"] = "department",
        ["enterprise.employeeNumber"] = "employeeId",
    });

    public async IAsyncEnumerable<SourceUser> ReadUsersAsync(SourceRead read, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var employee in await ReadAsync(cancellationToken))
        {
            var id = (string)employee["employeeId"]!;
            yield return new SourceUser
            {
                Id = id,
                Resource = Map.MapUser(id, (bool?)employee["active"] ?? true, attribute => (string?)employee[attribute]),
                Raw = employee,
            };
        }

        read.ListsEverything = true; // Every employee is in the file: one missing from it has left.
    }

    public async IAsyncEnumerable<SourceGroup> ReadGroupsAsync(SourceRead read, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var teams = (await ReadAsync(cancellationToken))
            .SelectMany(e => (e["teams"] as JsonArray ?? []).Select(t => (Team: (string)t!, Member: (string)e["employeeId"]!)))
            .GroupBy(t => t.Team, t => t.Member);
        foreach (var team in teams)
        {
            yield return new SourceGroup { Id = team.Key, DisplayName = team.Key, Members = [.. team] };
        }

        read.ListsEverything = true;
    }

    public async Task<SourceUser?> FindUserAsync(string login, CancellationToken cancellationToken = default)
    {
        var employee = (await ReadAsync(cancellationToken)).FirstOrDefault(e => string.Equals((string?)e["login"], login, StringComparison.OrdinalIgnoreCase));
        return employee is null ? null : new SourceUser
        {
            Id = (string)employee["employeeId"]!,
            Resource = Map.MapUser((string)employee["employeeId"]!, (bool?)employee["active"] ?? true, attribute => (string?)employee[attribute]),
            Raw = employee,
        };
    }

    private async Task<List<JsonObject>> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            var employees = await JsonSerializer.DeserializeAsync<JsonArray>(stream, cancellationToken: cancellationToken);
            return [.. (employees ?? []).OfType<JsonObject>()];
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // A file that cannot be read must never look like an empty company.
            throw new IdentitySourceException(IdentitySourceErrorKind.Unavailable, $"The HR export could not be read: {e.Message}", e);
        }
    }
}
#endregion
