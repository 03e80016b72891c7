// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using ScimSync.Schema;
using ScimSync.Serialization;
using ScimSync.Stores;

namespace ScimSync.Abstractions.Tests.Serialization;

public sealed class ScimResourceMetaTests
{
    [Fact]
    public void FormatTime_WritesMillisecondsInUtc_AsTheCustomPatternDoes()
    {
        var random = new Random(20261203);
        var times = new List<DateTimeOffset>
        {
            DateTimeOffset.MinValue, DateTimeOffset.MaxValue, new(999, 1, 2, 3, 4, 5, 6, TimeSpan.Zero),
            new(2026, 12, 3, 23, 59, 59, 999, TimeSpan.FromHours(-11)), new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.FromHours(14)).AddTicks(9_999),
        };
        for (var i = 0; i < 2000; i++)
        {
            times.Add(new DateTimeOffset(random.NextInt64(DateTimeOffset.MinValue.Ticks + TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60))));
        }

        foreach (var time in times)
        {
            Assert.Equal(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), ScimResourceMeta.FormatTime(time));
        }
    }

    [Fact]
    public void Create_WritesTypeTimesEscapedLocationAndWeakVersion()
    {
        var created = new DateTimeOffset(2026, 12, 4, 17, 30, 0, 5, TimeSpan.FromHours(2));
        var stored = new StoredResource("a b/é", """{"userName":"b"}"""u8.ToArray(), "7\"x", created, created.AddSeconds(1));

        var meta = ScimResourceMeta.Create(stored, new ScimSchemaRegistry().User, "https://host/scim/v2");

        Assert.Equal(["resourceType", "created", "lastModified", "location", "version"], meta.Select(p => p.Key));
        Assert.Equal("User", (string?)meta["resourceType"]);
        Assert.Equal("2026-12-04T15:30:00.005Z", (string?)meta["created"]);
        Assert.Equal("2026-12-04T15:30:01.005Z", (string?)meta["lastModified"]);
        Assert.Equal("https://host/scim/v2/Users/a%20b%2F%C3%A9", (string?)meta["location"]);
        Assert.Equal("W/\"7\"x\"", (string?)meta["version"]);
    }

    [Theory]
    [InlineData("g 1", true, "https://host/scim/v2/Groups/g%201")]
    [InlineData("u/é", false, "https://host/scim/v2/Users/u%2F%C3%A9")]
    public void ReferenceLocation_PointsAtGroupsOrUsersWithTheIdEscaped(string id, bool isGroup, string expected) =>
        Assert.Equal(expected, ScimResourceMeta.ReferenceLocation("https://host/scim/v2", id, isGroup));
}
