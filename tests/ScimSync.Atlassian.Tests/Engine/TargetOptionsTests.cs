// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.Engine;

public sealed class TargetOptionsTests
{
    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var options = new AtlassianTargetOptions { Product = AtlassianProduct.Confluence, BaseAddress = new Uri("ftp://example.com/"), MaxRetries = 20 };
        options.UserProperties["department"] = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department";
        options.DefaultProjectLead = "admin";

        var problems = options.Validate();

        Assert.Contains(problems, p => p.Contains("BaseAddress", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("PersonalAccessToken", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Directory", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("UserProperties", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("DefaultProjectLead", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("MaxRetries", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AcceptsAMinimalTarget()
    {
        var options = new AtlassianTargetOptions { BaseAddress = new Uri("https://jira.example.com/"), PersonalAccessToken = "pat", Directory = "entra" };

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void ABadTarget_FailsAtStart_NamingItsSection_WithoutItsSecrets()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddScimProvisioning(scim => scim.AddInMemoryStore().AddAtlassianTarget("jira", o =>
        {
            o.BaseAddress = new Uri("https://jira.example.com/");
            o.Password = "do-not-print-me";
            o.Username = "admin";
        }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<AtlassianTargetOptions>>().Get("jira"));

        Assert.Contains("ScimSync:Atlassian:jira: Directory", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-print-me", error.Message, StringComparison.Ordinal);
    }
}
