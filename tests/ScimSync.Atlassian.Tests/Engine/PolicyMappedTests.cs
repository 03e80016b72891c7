// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Atlassian.Products;
using ScimSync.Policies;

namespace ScimSync.Atlassian.Tests.Engine;

/// <summary>
/// The commercial apps' setup: the connection's mapping policies decide the product username and groups (on-the-fly
/// mapping with a rename), and the target writes what they computed, not the identity provider's raw values.
/// </summary>
public sealed class PolicyMappedTests
{
    private static Task<AtlassianTestHost> StartAsync(FakeProduct product) =>
        AtlassianTestHost.StartAsync(
            new Dictionary<string, AtlassianProductClient> { ["jira"] = product },
            scim => scim
                .AddConnection("entra", c => c.UsePolicies(p =>
                {
                    p.AttributeMapping.UserName = new AttributeSource { Paths = { "userName" }, Transforms = { AttributeTransform.LocalPart(), AttributeTransform.Lowercase() } };
                    p.GroupMapping.Mode = GroupMappingMode.OnTheFly;
                    p.GroupMapping.Include.Add("^AAD-");
                    p.GroupMapping.RenamePattern = "^AAD-(.*)$";
                    p.GroupMapping.RenameReplacement = "$1";
                    p.GroupMapping.DefaultGroupsForNewUsers.Add("newcomers");
                }))
                .AddAtlassianTarget("jira", o =>
                {
                    o.Product = AtlassianProduct.Jira;
                    o.BaseAddress = new Uri("http://127.0.0.1:9/jira/");
                    o.PersonalAccessToken = "pat";
                    o.Directory = "atlassian";
                    o.WriteScimGroups = false;
                    o.DefaultGroups.Add("jira-software-users");
                }));

    [Fact]
    public async Task MappedUserNameAndGroups_AreWhatTheProductGets()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product);

        var ann = await host.CreateUserAsync("Ann.Smith@Example.com", "Ann Smith");
        Assert.True(product.Users.ContainsKey("ann.smith"));
        Assert.False(product.Users.ContainsKey("Ann.Smith@Example.com"));
        Assert.Contains("ann.smith", product.Members("newcomers"));
        Assert.Contains("ann.smith", product.Members("jira-software-users"));

        var admins = await host.CreateGroupAsync("AAD-Admins");
        var ignored = await host.CreateGroupAsync("Sales");
        using (var add = await host.AddMembersAsync(admins, ann))
        {
            Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        }

        using (var add = await host.AddMembersAsync(ignored, ann))
        {
            Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        }

        Assert.Contains("ann.smith", product.Members("Admins"));
        Assert.False(product.HasGroup("AAD-Admins"));
        Assert.False(product.HasGroup("Sales"));

        using (var remove = await host.RemoveMemberAsync(admins, ann))
        {
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        }

        Assert.DoesNotContain("ann.smith", product.Members("Admins"));
        Assert.Contains("ann.smith", product.Members("jira-software-users"));

        var report = await host.Reconciler.RunAsync("jira", dryRun: true);
        Assert.Empty(report.Changes);
        Assert.Equal(0, report.GroupsChecked);
    }
}
