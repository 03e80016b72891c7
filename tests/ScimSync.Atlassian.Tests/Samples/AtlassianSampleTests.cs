// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ScimSync.Atlassian.Bitbucket;
using ScimSync.Atlassian.Confluence;
using ScimSync.Atlassian.Jira;
using ScimSync.Server.Tests.Samples;

namespace ScimSync.Atlassian.Tests.Samples;

/// <summary>
/// The Jira-style sample in demo mode, as its README runs it: Entra ID's requests in, the emulated Jira, Confluence
/// and Bitbucket (read over their REST APIs with the printed token) reflect the mapping policies of appsettings.json.
/// </summary>
public sealed class AtlassianSampleTests
{
    [Fact]
    public async Task DemoMode_EntraProvisioningReachesJiraConfluenceAndBitbucket()
    {
        var directory = Directory.CreateTempSubdirectory("scimsync-atlassian-sample-").FullName;
        try
        {
            await using var sample = await SampleProcess.StartAsync(
                "ScimSync.Samples.Atlassian",
                directory,
                new Dictionary<string, string>
                {
                    ["ScimSync__Tokens__entra"] = "entra-sample-token-0123456789",
                    ["ASPNETCORE_CONTENTROOT"] = SampleProcess.SampleDirectory("ScimSync.Samples.Atlassian"),
                    ["ScimSync__DataDirectory"] = Path.Combine(directory, ".data"),
                },
                ["--demo"],
                tokens: 2,
                connection: "entra");
            using var scim = sample.Client("entra-sample-token-0123456789");
            var productToken = sample.Printed("Demo product token (Authorization: Bearer):");

            using var created = await scim.PostAsync("Users", Json("""
                {
                  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                  "userName": "Ann.Smith@contoso.com", "active": true, "displayName": "Ann Smith",
                  "emails": [{ "primary": true, "type": "work", "value": "Ann.Smith@contoso.com" }],
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Research" }
                }
                """));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var ann = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            using var group = await scim.PostAsync("Groups", Json("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "JIRA-Admins" }"""));
            var groupId = JsonNode.Parse(await group.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            using var add = await scim.PatchAsync("Groups/" + groupId, Json($$"""
                { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{ "op": "Add", "path": "members", "value": [{ "value": "{{ann}}" }] }] }
                """));
            Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);

            var jira = new JiraClient(Product(sample.Printed("Demo Jira:"), productToken));
            var jiraAnn = await jira.FindUserAsync("ann.smith", default);
            Assert.NotNull(jiraAnn);
            Assert.Equal("Ann Smith", jiraAnn.DisplayName);
            Assert.Contains("Admins", await jira.ListGroupsOfUserAsync("ann.smith", default));
            Assert.Contains("jira-software-users", await jira.ListGroupsOfUserAsync("ann.smith", default));
            Assert.Equal("Research", (await jira.GetUserPropertyAsync("ann.smith", "department", default))!.GetValue<string>());

            var confluence = new ConfluenceClient(Product(sample.Printed("Demo Confluence:"), productToken));
            Assert.Contains("confluence-users", await confluence.ListGroupsOfUserAsync("ann.smith", default));

            // Bitbucket is in queued mode: the outbox brings it in line shortly after.
            var bitbucket = new BitbucketClient(Product(sample.Printed("Demo Bitbucket:"), productToken));
            await AtlassianTestHost.EventuallyAsync(async () => await bitbucket.FindUserAsync("ann.smith", default) is not null, "the user in Bitbucket");
            await AtlassianTestHost.EventuallyAsync(
                async () => (await bitbucket.ListGroupsOfUserAsync("ann.smith", default)).Contains("Admins"), "the membership in Bitbucket");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static HttpClient Product(string baseAddress, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseAddress) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/scim+json");
}
