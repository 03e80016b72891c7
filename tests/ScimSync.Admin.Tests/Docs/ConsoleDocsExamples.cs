// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Admin.Tests.Infrastructure;
using ScimSync.Policies;
using ScimSync.Server;

namespace ScimSync.Admin.Tests.Docs;

/// <summary>The <c>ScimConsoleSettings</c> example of docs/console.md, run.</summary>
public sealed class ConsoleDocsExamples
{
    [Fact]
    public async Task SettingsApi_Example_CreatesAConnectionWithATokenAndADefaultGroup()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        var settings = host.Services.GetRequiredService<ScimConsoleSettings>();

        var token = await OnboardAsync(settings, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Created, (await host.CreateUserAsync("okta-prod", token, "docs@example.com")).Status);
        var connection = settings.FindConnection("okta-prod")!;
        Assert.Equal(IdentityProvider.Okta, connection.IdentityProvider);
        Assert.Equal(["jira-users"], connection.Policies!.GroupMapping.DefaultGroupsForNewUsers);
    }

    private static async Task<string> OnboardAsync(ScimConsoleSettings settings, CancellationToken cancellationToken)
    {
        #region console-settings-api
        // Onboard a second identity provider from a script: a connection, its first token, and a default group.
        await settings.CreateConnectionAsync("okta-prod", IdentityProvider.Okta, directory: null, cancellationToken);
        var token = await settings.IssueTokenAsync("okta-prod", "2026-12", expiresAt: null, cancellationToken);

        var connection = settings.FindConnection("okta-prod")!;
        var policies = connection.Policies ?? new ProvisioningPolicyOptions();
        policies.GroupMapping.DefaultGroupsForNewUsers.Add("jira-users");
        await settings.SetPoliciesAsync("okta-prod", policies, connection.Version, cancellationToken);

        // Hand token.Token to the identity provider once; the store keeps only token.Sha256.
        #endregion
        return token.Token;
    }
}
