// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace ScimSync.Server.Tests.Packaging;

/// <summary>
/// Packs the packages from the solution's build, then builds and runs a fresh host project that gets them from a
/// local feed folder: the packages work outside the solution (their dependencies, README, XML docs).
/// </summary>
public sealed class PackedPackagesTests : IDisposable
{
    private static readonly string[] s_packages =
        [
            "ScimSync.Abstractions", "ScimSync.Server", "ScimSync.Stores.Sqlite", "ScimSync.Atlassian", "ScimSync.Atlassian.Emulator",
            "ScimSync.Pull", "ScimSync.Okta", "ScimSync.Okta.Emulator", "ScimSync.MicrosoftGraph", "ScimSync.MicrosoftGraph.Emulator",
            "ScimSync.Ldap", "ScimSync.Admin",
        ];

    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-pack-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task FreshHost_FromPackedPackages_ServesScim()
    {
        var root = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var version = "0.0.0-packtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var feed = Path.Combine(_directory, "feed");
        foreach (var package in s_packages)
        {
            await RunAsync("dotnet", ["pack", Path.Combine(root, "src", package), "-c", configuration, "--no-build", "-o", feed, $"-p:PackageVersion={version}"], root);
            Assert.True(File.Exists(Path.Combine(feed, $"{package}.{version}.nupkg")), package);
        }

        var app = Directory.CreateDirectory(Path.Combine(_directory, "app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ScimSync.Server" Version="{version}" />
                <PackageReference Include="ScimSync.Stores.Sqlite" Version="{version}" />
                <PackageReference Include="ScimSync.Atlassian" Version="{version}" />
                <PackageReference Include="ScimSync.Atlassian.Emulator" Version="{version}" />
                <PackageReference Include="ScimSync.Okta" Version="{version}" />
                <PackageReference Include="ScimSync.Okta.Emulator" Version="{version}" />
                <PackageReference Include="ScimSync.MicrosoftGraph" Version="{version}" />
                <PackageReference Include="ScimSync.MicrosoftGraph.Emulator" Version="{version}" />
                <PackageReference Include="ScimSync.Admin" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        // The host writes its users through to a Jira (the emulator, also from its package): a 201 means Jira took it.
        // It also pulls users from an Okta org and an Entra ID tenant (their emulators, from their packages).
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using ScimSync.Atlassian.Emulator;
            using ScimSync.Atlassian.Products;
            using ScimSync.MicrosoftGraph.Emulator;
            using ScimSync.Okta.Emulator;
            using ScimSync.Pull;

            await using var jira = await AtlassianEmulator.StartAsync();
            jira.Jira.PersonalAccessTokens.Add("pat");
            await using var okta = await OktaEmulator.StartAsync();
            okta.AddApiToken("okta-token");
            okta.AddUser("okta-user@example.com");
            await using var graph = await GraphEmulator.StartAsync();
            graph.AddClient("client", "secret");
            graph.AddUser("graph-user@example.com");
            var builder = WebApplication.CreateBuilder(args);
            builder.Configuration["ScimSync:AtlassianStateDirectory"] = AppContext.BaseDirectory;
            builder.Configuration["ScimSync:PullStateDirectory"] = AppContext.BaseDirectory;
            builder.Services.AddScimProvisioning(scim => scim
                .AddConnection("entra", c => c.UseBearerToken(builder.Configuration["Token"]!))
                .UseSqliteStore("Data Source=" + Path.Combine(AppContext.BaseDirectory, "scim.db"))
                .AddAtlassianTarget("jira", o =>
                {
                    o.Product = AtlassianProduct.Jira;
                    o.BaseAddress = jira.Jira.BaseAddress;
                    o.PersonalAccessToken = "pat";
                    o.Directory = "entra";
                })
                .AddOktaSource("okta", o =>
                {
                    o.OrgUrl = okta.OrgUrl;
                    o.ApiToken = "okta-token";
                })
                .AddMicrosoftGraphSource("graph", o =>
                {
                    o.TenantId = graph.TenantId;
                    o.ClientId = "client";
                    o.ClientSecret = "secret";
                    o.AuthorityHost = graph.AuthorityHost;
                    o.GraphBaseAddress = graph.GraphBaseAddress;
                }));
            builder.Services.AddHttpClient("ScimSync.MicrosoftGraph:graph").ConfigurePrimaryHttpMessageHandler(() => graph.CreateHttpHandler());
            builder.Services.AddScimProvisioning(scim => scim.AddOperatorConsole());
            builder.Services.AddAuthorizationBuilder().AddPolicy("test-operators", p => p.RequireAssertion(_ => true));
            var app = builder.Build();
            app.UseAuthorization();
            app.MapScim("/scim");
            app.MapScimAdmin("/scim-admin", "test-operators");
            app.MapGet("/jira-users", () => string.Join(",", jira.Jira.Users.Select(u => u.Name)));
            app.MapPost("/pull/{connection}", async (string connection, PullSynchronizer pull) =>
            {
                var result = await pull.SyncAsync(connection, PullSyncMode.Full);
                return $"{result.Complete} {result.Users.Created}";
            });
            app.Run();
            """);
        await RunAsync("dotnet", ["build", app, "-c", "Release"], app);

        var port = FreePort();
        var token = ScimBearerToken.Generate().Token;
        using var host = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "App.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = app,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["Token"] = token },
        })!;
        try
        {
            // The host's output is drained so that it never blocks on a full pipe.
            _ = host.StandardOutput.ReadToEndAsync();
            var errors = host.StandardError.ReadToEndAsync();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/scim/entra/v2/"), Timeout = TimeSpan.FromSeconds(10) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await WaitUntilServingAsync(client, host, errors);

            var created = await client.PostAsync("Users", new StringContent(
                """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"packed"}""", Encoding.UTF8, "application/scim+json"));

            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Contains("packed", await client.GetStringAsync($"http://127.0.0.1:{port}/jira-users"), StringComparison.Ordinal);
            // The console, with its embedded stylesheet, from its package.
            Assert.Contains(">entra</a>", await client.GetStringAsync($"http://127.0.0.1:{port}/scim-admin/connections"), StringComparison.Ordinal);
            Assert.Contains("operator console", await client.GetStringAsync($"http://127.0.0.1:{port}/scim-admin/assets/console.css"), StringComparison.Ordinal);
            foreach (var connection in new[] { "okta", "graph" })
            {
                var pulled = await client.PostAsync($"http://127.0.0.1:{port}/pull/{connection}", null);
                Assert.Equal("True 1", await pulled.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    private static async Task WaitUntilServingAsync(HttpClient client, Process host, Task<string> errors)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (host.HasExited)
            {
                Assert.Fail("The packed host exited: " + await errors);
            }
            try
            {
                if ((await client.GetAsync("ServiceProviderConfig")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail("The packed host did not start serving within 30 seconds.");
    }

    private static async Task RunAsync(string file, string[] arguments, string directory)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await output}\n{await error}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ScimSync.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return directory.FullName;
    }
}
