// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text;

namespace ScimSync.Server.Tests.Robustness;

/// <summary>
/// /ServiceProviderConfig advertises the limits in force (RFC 7643 §5), and the server enforces exactly those: an
/// identity provider that reads them never gets refused for staying within them.
/// </summary>
public sealed class AdvertisedLimitsTests
{
    [Fact]
    public async Task ServiceProviderConfig_ConfiguredLimits_AreAdvertisedAndEnforced()
    {
        await using var host = await ScimTestHost.StartAsync(o =>
        {
            o.MaxResults = 7;
            o.Bulk.MaxOperations = 3;
            o.Bulk.MaxPayloadSize = 2048;
        });

        var config = await ScimTestHost.BodyAsync(await host.Client.GetAsync("ServiceProviderConfig"));
        Assert.Equal(3, config["bulk"]!["maxOperations"]!.GetValue<int>());
        Assert.Equal(2048, config["bulk"]!["maxPayloadSize"]!.GetValue<int>());
        Assert.Equal(7, config["filter"]!["maxResults"]!.GetValue<int>());
        Assert.Equal(7, config["pagination"]!["maxPageSize"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("Bulk", Bulk(3, padding: 0))).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await host.PostAsync("Bulk", Bulk(4, padding: 0))).StatusCode);
        var atLimit = Bulk(1, padding: 0);
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("Bulk", Bulk(1, padding: 2048 - Encoding.UTF8.GetByteCount(atLimit)))).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await host.PostAsync("Bulk", Bulk(1, padding: 2049 - Encoding.UTF8.GetByteCount(atLimit)))).StatusCode);

        for (var i = 0; i < 5; i++)
        {
            await host.CreateUserAsync($"extra{i}");
        }

        var page = await ScimTestHost.BodyAsync(await host.Client.GetAsync("Users?filter=userName%20pr&count=100"));
        Assert.Equal(7, page["Resources"]!.AsArray().Count);
        Assert.True(page["totalResults"]!.GetValue<int>() > 7);
    }

    private static int s_users;

    // A bulk request of user creations (fixed-width ids, so equal counts give equal sizes), padded with spaces.
    private static string Bulk(int operations, int padding)
    {
        var ops = Enumerable.Range(0, operations).Select(_ =>
        {
            var n = Interlocked.Increment(ref s_users);
            return $$$"""{"method":"POST","bulkId":"b{{{n:0000}}}","path":"/Users","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"limit{{{n:0000}}}"}}""";
        });
        return $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{{string.Join(",", ops)}}]}""" + new string(' ', padding);
    }
}
