// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using ScimSync.Admin.Tests.Infrastructure;

namespace ScimSync.Admin.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task ConnectionsPage_Operator_Ok()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        var page = await client.GetAsync("connections");
        Assert.Equal(HttpStatusCode.OK, page.Status);
    }
}
