// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimSync.Admin.Tests.Infrastructure;
using ScimSync.Stores;

namespace ScimSync.Admin.Tests;

/// <summary>Mistakes in wiring the console are reported at startup, with what to do.</summary>
public sealed class StartupTests
{
    private static WebApplication Build(Action<ScimSync.Server.ScimProvisioningBuilder> scim)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddScimProvisioning(s =>
        {
            s.AddConnection("test", c => c.UseBearerToken("test-token-0123456789abcdef"));
            scim(s);
        });
        ConsoleTestHost.AddTestAuthentication(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task MapScimAdmin_WithoutAddOperatorConsole_Throws()
    {
        await using var app = Build(s => s.AddInMemoryStore());
        var e = Assert.Throws<InvalidOperationException>(() => app.MapScimAdmin("/scim-admin", ConsoleTestHost.Policy));
        Assert.Contains("AddOperatorConsole", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task MapScimAdmin_EmptyPolicy_Throws(string policy)
    {
        await using var app = Build(s => s.AddInMemoryStore().AddOperatorConsole());
        Assert.Throws<ArgumentException>(() => app.MapScimAdmin("/scim-admin", policy));
    }

    [Fact]
    public async Task MapScimAdmin_PrefixWithoutSlash_Throws()
    {
        await using var app = Build(s => s.AddInMemoryStore().AddOperatorConsole());
        Assert.Throws<ArgumentException>(() => app.MapScimAdmin("scim-admin", ConsoleTestHost.Policy));
    }

    [Fact]
    public async Task Console_WithoutSettingsStore_FailsToStartNamingIt()
    {
        await using var app = Build(s => s.AddUserStore<NoUserStore>().AddGroupStore<NoGroupStore>().AddOperatorConsole());
        app.MapScim("/scim");
        app.MapScimAdmin("/scim-admin", ConsoleTestHost.Policy);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
        Assert.Contains(nameof(IScimSettingsStore), e.Message, StringComparison.Ordinal);
    }

    private class NoStore : IResourceStore
    {
        public ResourceStoreCapabilities Capabilities => throw new NotSupportedException();

        public ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<StoreResult<string>> DeleteAsync(string id, string? expectedVersion, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class NoUserStore : NoStore, IUserStore;

    private sealed class NoGroupStore : NoStore, IGroupStore
    {
        public ValueTask<StoreResult<StoredResource>> ModifyMembersAsync(string groupId, IReadOnlyCollection<GroupMember> add, IReadOnlyCollection<string> remove, string? expectedVersion, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<StoreResult<MemberPage>> ListMembersAsync(string groupId, int startIndex, int count, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<GroupReference>> ListGroupsOfMemberAsync(string memberId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
