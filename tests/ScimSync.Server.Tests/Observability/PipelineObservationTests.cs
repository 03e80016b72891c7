// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Provisioning;
using ScimSync.Serialization;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Tests.Observability;

/// <summary>Changes made outside a single-change HTTP request (a /Bulk operation, a directory sync).</summary>
public sealed class PipelineObservationTests
{
    [Fact]
    public async Task ChangeWithoutARequest_GetsAnEntryOfItsOwn()
    {
        await using var host = await ScimTestHost.StartAsync();
        Assert.True(host.Services.GetRequiredService<ScimConnectionRegistry>().TryGet("test", out var connection));
        Assert.True(connection.Users.Reader.TryRead(
            Encoding.UTF8.GetBytes("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"synced","title":"Engineer"}"""),
            ScimReadMode.Create,
            out var resource,
            out _));
        await using var scope = host.Services.CreateAsyncScope();

        var stored = await ScimResourceOperations.CreateAsync(new ScimOperationContext(connection, scope.ServiceProvider, default), connection.Users, resource);

        var entry = Assert.Single(await host.LogAsync());
        Assert.Equal((ProvisioningOperations.Create, "User", stored.Id, 201), (entry.Operation, entry.ResourceType, entry.ResourceId, entry.Status));
        Assert.Equal(["userName", "title"], entry.ChangedAttributes);
        Assert.Null(entry.TokenName);
    }
}
