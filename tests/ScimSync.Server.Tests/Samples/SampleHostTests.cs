// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace ScimSync.Server.Tests.Samples;

/// <summary>Runs the sample host as a child process on 127.0.0.1, as the README's quick start does.</summary>
public sealed class SampleHostTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("scimsync-sample-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task SampleHost_CreateUserThenRestart_UserIsStillThere()
    {
        const string Token = "sample-test-token-0123456789abcdef";
        string id;
        string console;
        await using (var host = await StartAsync(_dataDirectory, Token))
        {
            Assert.Contains($"Secret Token:  {Token}", host.Output, StringComparison.Ordinal);
            console = Assert.Single(host.Output.Split('\n'), l => l.StartsWith("Operator console: ", StringComparison.Ordinal)).Trim();
            Assert.Matches(@"^Operator console: http://127\.0\.0\.1:\d+/scim-admin \(admin key: [A-Za-z0-9_-]{43}\)$", console);
            using var client = host.Client(Token);
            var created = await client.PostAsync("Users", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"restart@example.com"}"""));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        }

        await using (var host = await StartAsync(_dataDirectory, Token))
        {
            // The generated admin key is kept with the data, like the token.
            Assert.Contains(console[console.IndexOf("(admin key", StringComparison.Ordinal)..], host.Output, StringComparison.Ordinal);
            using var client = host.Client(Token);
            var read = await client.GetAsync($"Users/{id}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("restart@example.com", JsonNode.Parse(await read.Content.ReadAsStringAsync())!["userName"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task SampleHost_NoTokenConfigured_GeneratesOwnerOnlyTokenAndReusesIt()
    {
        string first;
        await using (var host = await StartAsync(_dataDirectory, token: null))
        {
            first = host.PrintedToken;
            Assert.Equal(43, first.Length);
            using var client = host.Client(first);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Users")).StatusCode);
        }

        var tokenFile = Path.Combine(_dataDirectory, "scim-token");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        }

        await using (var host = await StartAsync(_dataDirectory, token: null))
        {
            Assert.Equal(first, host.PrintedToken);
        }
    }

    [Fact]
    public async Task SampleHost_InMemoryStore_ServesAndKeepsNoDatabase()
    {
        const string Token = "sample-test-token-0123456789abcdef";
        string id;
        await using (var host = await StartAsync(_dataDirectory, Token, store: "memory"))
        {
            using var client = host.Client(Token);
            var created = await client.PostAsync("Users", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"memory@example.com"}"""));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            var found = await client.GetAsync("Users?filter=userName%20eq%20%22MEMORY@example.com%22");
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.Equal(1, JsonNode.Parse(await found.Content.ReadAsStringAsync())!["totalResults"]!.GetValue<int>());
        }

        Assert.False(File.Exists(Path.Combine(_dataDirectory, "scimsync.db")));
        await using (var host = await StartAsync(_dataDirectory, Token, store: "memory"))
        {
            using var client = host.Client(Token);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"Users/{id}")).StatusCode);
        }
    }

    private static Task<SampleProcess> StartAsync(string dataDirectory, string? token, string? store = null)
    {
        var environment = new Dictionary<string, string> { ["ScimSync__DataDirectory"] = dataDirectory };
        if (store is not null)
        {
            environment["ScimSync__Store"] = store;
        }

        if (token is not null)
        {
            environment["ScimSync__Token"] = token;
        }

        return SampleProcess.StartAsync("ScimSync.Samples.Host", dataDirectory, environment);
    }
}
