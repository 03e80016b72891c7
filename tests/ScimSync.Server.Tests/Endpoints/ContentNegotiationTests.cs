// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Endpoints;

/// <summary>Response media types chosen from <c>Accept</c> (RFC 7644 §3.1, §8.1).</summary>
public sealed class ContentNegotiationTests
{
    [Theory]
    [InlineData(null, "application/scim+json")]
    [InlineData("application/scim+json", "application/scim+json")]
    [InlineData("*/*", "application/scim+json")]
    [InlineData("application/*", "application/scim+json")]
    [InlineData("application/json", "application/json")]
    [InlineData("application/json, application/scim+json;q=0.5", "application/json")]
    [InlineData("text/html, application/scim+json;q=0.1", "application/scim+json")]
    public async Task Get_Accept_AnswersInNegotiatedMediaType(string? accept, string expected)
    {
        await using var host = await ScimTestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "Users");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml, text/*")]
    [InlineData("application/scim+json;q=0, application/json;q=0")]
    public async Task Get_AcceptsNeitherJsonType_Is406ScimError(string accept)
    {
        await using var host = await ScimTestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "Users");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("406", body["status"]!.GetValue<string>());
    }
}
