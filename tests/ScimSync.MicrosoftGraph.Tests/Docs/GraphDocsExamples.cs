// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScimSync.MicrosoftGraph.Emulator;
using ScimSync.Pull;

namespace ScimSync.MicrosoftGraph.Tests.Docs;

/// <summary>
/// The examples of docs/pull/microsoft-graph.md: each C# block there is a region of this file (checked by the
/// solution's DocsSnippetTests), and each runs here: registrations are resolved and validated without starting the
/// host; the rest runs against the emulator.
/// </summary>
public sealed class GraphDocsExamples
{
    [Fact]
    public void Docs_RegisterInCode_ResolvesAndValidates()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["EntraClientSecret"] = "from-a-secret-store";

        #region register-in-code
        builder.Services.AddScimProvisioning(scim => scim
            .AddInMemoryStore() // your store: AddSqliteStore, AddPostgreSqlStore, …
            .AddMicrosoftGraphSource("entra", o =>
            {
                o.TenantId = "8a1c3c1e-9f0e-4a53-9d4f-6c0b9a3a1f10";
                o.ClientId = "5b0e2c4d-1f3a-4e6b-8c9d-0a1b2c3d4e5f";
                o.ClientSecret = builder.Configuration["EntraClientSecret"];
                o.AttributeMap["enterprise.employeeNumber"] = "employeeId";
                o.AttributeMap["enterprise.costCenter"] = "onPremisesExtensionAttributes.extensionAttribute1";
                o.Interval = TimeSpan.FromMinutes(15);
            }));
        #endregion

        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<GraphSourceOptions>>().Get("entra");
        Assert.Empty(options.Validate());
        Assert.Equal("from-a-secret-store", options.ClientSecret);
    }

    [Fact]
    public void Docs_RegisterFromConfiguration_BindsTheJsonOfTheDocs()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var certificate = Path.Combine(Directory.CreateTempSubdirectory("scimsync-graph-docs-").FullName, "scimsync.pfx");
        using (var created = GraphTestKit.CreateCertificate())
        {
            File.WriteAllBytes(certificate, created.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx-password"));
        }

        // The JSON block of the docs, as configuration keys.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ScimSync:MicrosoftGraph:entra:TenantId"] = "8a1c3c1e-9f0e-4a53-9d4f-6c0b9a3a1f10",
            ["ScimSync:MicrosoftGraph:entra:ClientId"] = "5b0e2c4d-1f3a-4e6b-8c9d-0a1b2c3d4e5f",
            ["ScimSync:MicrosoftGraph:entra:CertificatePath"] = certificate,
            ["ScimSync:MicrosoftGraph:entra:CertificatePassword"] = "pfx-password",
            ["ScimSync:MicrosoftGraph:entra:GroupIds:0"] = "0f4c6c1a-7d2e-4b8f-9a3c-5e6d7f8a9b0c",
            ["ScimSync:MicrosoftGraph:entra:AttributeMap:enterprise.employeeNumber"] = "employeeId",
            ["ScimSync:MicrosoftGraph:entra:AttributeMap:title"] = string.Empty,
            ["ScimSync:MicrosoftGraph:entra:Interval"] = "00:15:00",
            ["ScimSync:MicrosoftGraph:entra:PageSize"] = "500",
        });

        #region register-from-configuration
        builder.Services.AddScimProvisioning(scim => scim
            .AddInMemoryStore() // your store
            .AddMicrosoftGraphSource("entra"));
        #endregion

        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<GraphSourceOptions>>().Get("entra");
        Assert.Empty(options.Validate());
        Assert.Single(options.GroupIds);
    }

    [Fact]
    public async Task Docs_TestOneUser_FindsTheUserInTheEmulator()
    {
        await using var graph = await GraphTestKit.StartAsync();
        graph.AddUser("ada@contoso.example", "Ada Lovelace");
        var source = GraphTestKit.Source(graph);
        var lines = new List<string>();

        #region test-one-user
        var user = await source.FindUserAsync("ada@contoso.example");
        lines.Add(user is null
            ? "No user has that user principal name."
            : $"{user.Id}: {user.Resource!["userName"]}, active: {user.Resource["active"]}\nGraph answered: {user.Raw}");
        #endregion

        Assert.StartsWith(user!.Id + ": ada@contoso.example, active: true", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docs_Emulator_ReadsAndSurvivesThrottling()
    {
        #region emulator
        await using var graph = await GraphEmulator.StartAsync();
        graph.AddClient("app-id", "app-secret");
        var ada = graph.AddUser("ada@contoso.example", "Ada Lovelace");
        var staff = graph.AddGroup("Staff");
        graph.AddMember(staff, ada);

        var options = new GraphSourceOptions
        {
            TenantId = graph.TenantId,
            ClientId = "app-id",
            ClientSecret = "app-secret",
            AuthorityHost = graph.AuthorityHost,
            GraphBaseAddress = graph.GraphBaseAddress,
        };
        var http = new HttpClient(graph.CreateHttpHandler()); // trusts the emulator's https port (the token endpoint)
        var source = new GraphIdentitySource(options, http, new GraphTokenCache());

        graph.Throttle(1, TimeSpan.FromSeconds(1)); // the next request answers 429, Retry-After: 1
        var read = new SourceRead(cursor: null);
        await foreach (var user in source.ReadUsersAsync(read))
        {
            Console.WriteLine($"{user.Id} {user.Resource?["userName"]}");
        }

        graph.UpdateUser(ada, "jobTitle", "Analyst");
        var changes = new SourceRead(read.NextCursor); // only what changed since
        #endregion

        var changed = new List<SourceUser>();
        await foreach (var user in source.ReadUsersAsync(changes))
        {
            changed.Add(user);
        }

        Assert.Equal("Analyst", (string?)Assert.Single(changed).Resource!["title"]);
    }

    [Fact]
    public async Task Docs_NamedClientTrustingTheEmulator_ReadsThroughTheRegisteredClient()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var ada = graph.AddUser("ada@contoso.example");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddScimProvisioning(scim => scim.AddInMemoryStore().AddMicrosoftGraphSource("entra", o =>
        {
            o.TenantId = graph.TenantId;
            o.ClientId = GraphTestKit.ClientId;
            o.ClientSecret = GraphTestKit.Secret;
            o.AuthorityHost = graph.AuthorityHost;
            o.GraphBaseAddress = graph.GraphBaseAddress;
        }));

        #region emulator-named-client
        builder.Services.AddHttpClient("ScimSync.MicrosoftGraph:entra")
            .ConfigurePrimaryHttpMessageHandler(() => graph.CreateHttpHandler());
        #endregion

        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<GraphSourceOptions>>().Get("entra");
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(GraphScimProvisioningBuilderExtensions.HttpClientPrefix + "entra");
        var source = new GraphIdentitySource(options, http, host.Services.GetRequiredService<GraphTokenCache>());
        var user = await source.FindUserAsync("ada@contoso.example");
        Assert.Equal(ada, user!.Id);
    }
}
