// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace ScimSync.Server.Tests.Samples;

/// <summary>Runs samples/ScimSync.Samples.Minimal as a child process on 127.0.0.1, as docs/getting-started.md does.</summary>
public sealed class MinimalSampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-minimal-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task MinimalSample_ConfiguredToken_CreatesAndReadsUser()
    {
        const string Token = "minimal-test-token-0123456789abcdef";
        await using var host = await SampleProcess.StartAsync("ScimSync.Samples.Minimal", _directory, new Dictionary<string, string> { ["ScimSync__Token"] = Token });
        Assert.Equal(Token, host.PrintedToken);
        Assert.Contains($"SCIM Base URL: {host.BaseUrl.ToString().TrimEnd('/')}", host.Output, StringComparison.Ordinal);
        using var client = host.Client(Token);

        var created = await client.PostAsync("Users", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"minimal@example.com"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var read = await client.GetAsync($"Users/{id}");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("minimal@example.com", JsonNode.Parse(await read.Content.ReadAsStringAsync())!["userName"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(_directory, "scimsync.db")));
    }

    [Fact]
    public async Task MinimalSample_NoToken_GeneratesAndPrintsOne()
    {
        await using var host = await SampleProcess.StartAsync("ScimSync.Samples.Minimal", _directory, new Dictionary<string, string>());
        var token = host.PrintedToken;
        Assert.StartsWith("scim_", token, StringComparison.Ordinal);

        using var client = host.Client(token);
        using var wrong = host.Client("not-the-token-0123456789abcdef");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Users")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("Users")).StatusCode);
    }
}
