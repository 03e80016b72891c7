// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ScimSync.MicrosoftGraph.Tests;

/// <summary>Options validation and binding from configuration.</summary>
public sealed class GraphSourceOptionsTests
{
    [Fact]
    public void Validate_Empty_ListsEveryMissingSetting()
    {
        var problems = new GraphSourceOptions().Validate();

        Assert.Contains(problems, p => p.StartsWith("TenantId", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("ClientId", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("A credential is required", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Validate_BadValues_ReportsEachWithoutSecrets()
    {
        var options = new GraphSourceOptions
        {
            TenantId = "t",
            ClientId = "c",
            ClientSecret = "super-secret-value",
            CertificatePath = "/nowhere/app.pfx",
            CertificatePassword = "pfx-secret-value",
            AuthorityHost = new Uri("http://login.example.com"),
            GraphBaseAddress = new Uri("/relative", UriKind.Relative),
            PageSize = 1000,
            Timeout = TimeSpan.Zero,
            MaxRetries = -1,
            FullSyncEvery = 0,
        };
        options.GroupIds.Add("not-a-guid");
        options.AttributeMap["nickname.bad"] = "mail";
        options.AttributeMap["title"] = "job title";

        var problems = options.Validate();

        Assert.Contains("Give either ClientSecret or CertificatePath, not both.", problems);
        Assert.Contains(problems, p => p.StartsWith("AuthorityHost must use https", StringComparison.Ordinal));
        Assert.Contains("GraphBaseAddress must be an absolute URL.", problems);
        Assert.Contains(problems, p => p.StartsWith("GroupIds: 'not-a-guid'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'nickname.bad' is not a supported SCIM path", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'job title'", StringComparison.Ordinal));
        Assert.Contains("PageSize must be between 1 and 999.", problems);
        Assert.Contains("Timeout must be positive.", problems);
        Assert.Contains("MaxRetries must be between 0 and 20.", problems);
        Assert.Contains("FullSyncEvery must be at least 1.", problems);
        Assert.DoesNotContain(problems, p => p.Contains("secret-value", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_LoopbackHttpGraph_IsAllowedForEmulators()
    {
        var options = new GraphSourceOptions
        {
            TenantId = "t",
            ClientId = "c",
            ClientSecret = "s",
            AuthorityHost = new Uri("https://127.0.0.1:5001"),
            GraphBaseAddress = new Uri("http://127.0.0.1:5000/v1.0"),
        };

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void AddMicrosoftGraphSource_BindsConfigurationAndRegistersServices()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ScimSync:MicrosoftGraph:corp:TenantId"] = "contoso.onmicrosoft.com",
            ["ScimSync:MicrosoftGraph:corp:ClientId"] = "11111111-2222-3333-4444-555555555555",
            ["ScimSync:MicrosoftGraph:corp:ClientSecret"] = "from-configuration",
            ["ScimSync:MicrosoftGraph:corp:PageSize"] = "500",
            ["ScimSync:MicrosoftGraph:corp:Interval"] = "00:15:00",
            ["ScimSync:MicrosoftGraph:corp:GroupIds:0"] = "8a1c3c1e-9f0e-4a53-9d4f-6c0b9a3a1f10",
            ["ScimSync:MicrosoftGraph:corp:AttributeMap:enterprise.employeeNumber"] = "onPremisesExtensionAttributes.extensionAttribute1",
        });
        builder.Services.AddScimProvisioning(scim => scim
            .AddInMemoryStore()
            .AddMicrosoftGraphSource("corp", o => o.MaxRetries = 2));
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptionsMonitor<GraphSourceOptions>>().Get("corp");

        Assert.Equal("contoso.onmicrosoft.com", options.TenantId);
        Assert.Equal("from-configuration", options.ClientSecret);
        Assert.Equal(500, options.PageSize);
        Assert.Equal(2, options.MaxRetries);
        Assert.Equal(TimeSpan.FromMinutes(15), options.Interval);
        Assert.Equal(["8a1c3c1e-9f0e-4a53-9d4f-6c0b9a3a1f10"], options.GroupIds);
        Assert.Equal("onPremisesExtensionAttributes.extensionAttribute1", options.AttributeMap["enterprise.employeeNumber"]);
        Assert.Same(host.Services.GetRequiredService<GraphTokenCache>(), host.Services.GetRequiredService<GraphTokenCache>());
        Assert.Equal(Timeout.InfiniteTimeSpan, host.Services.GetRequiredService<IHttpClientFactory>()
            .CreateClient(GraphScimProvisioningBuilderExtensions.HttpClientPrefix + "corp").Timeout);
    }

    [Fact]
    public void AddMicrosoftGraphSource_InvalidConfiguration_FailsNamingTheSectionWithoutTheSecret()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ScimSync:MicrosoftGraph:corp:ClientSecret"] = "do-not-print-me",
        });
        builder.Services.AddScimProvisioning(scim => scim.AddInMemoryStore().AddMicrosoftGraphSource("corp"));
        using var host = builder.Build();

        var e = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptionsMonitor<GraphSourceOptions>>().Get("corp"));

        Assert.Contains("ScimSync:MicrosoftGraph:corp: TenantId is required", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-print-me", e.Message, StringComparison.Ordinal);
    }
}
