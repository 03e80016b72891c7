// Copyright (c) ScimSync contributors. Licensed under the MIT License.

// The Jira-style setup of the commercial Atlassian provisioning apps, as a ScimSync host: Microsoft Entra ID and Okta
// provision one directory over SCIM (an LDAP directory can feed it too), the mapping policies of appsettings.json
// decide usernames, custom attributes and groups, and Jira, Confluence and Bitbucket Data Center receive the result.
//   dotnet run --project samples/ScimSync.Samples.Atlassian -- --demo   (the three products emulated in process)
// (or ScimSync__Demo=true). Without demo mode, give each target its BaseAddress and PersonalAccessToken (ScimSync__Atlassian__jira__BaseAddress...).
using ScimSync.Samples.Atlassian;
using ScimSync.Samples.Host;
using ScimSync.Server;

var builder = WebApplication.CreateBuilder([.. args.Where(a => a != "--demo")]);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5000");
}

var data = SampleToken.PrepareDataDirectory(builder.Configuration["ScimSync:DataDirectory"] ?? ".data");
builder.Configuration[AtlassianScimProvisioningBuilderExtensions.StateDirectoryKey] ??= data;
var demoMode = args.Contains("--demo") || builder.Configuration.GetValue<bool>("ScimSync:Demo");
await using var demo = demoMode ? await DemoProducts.StartAsync(builder.Configuration) : null;
string Token(string connection) =>
    builder.Configuration[$"ScimSync:Tokens:{connection}"] is { Length: > 0 } token ? token : SampleToken.LoadOrCreate(data, $"{connection}-token");

#region setup
builder.Services.AddScimProvisioning(scim =>
{
    scim.BindConfiguration("ScimSync")
        .AddConnection("entra", c => c.UseBearerToken(Token("entra")).UseIdentityProvider(IdentityProvider.EntraId).UseDirectory("atlassian"))
        .AddConnection("okta", c => c.UseBearerToken(Token("okta")).UseIdentityProvider(IdentityProvider.Okta).UseDirectory("atlassian"))
        .AddSqliteStore(o => o.DatabasePath = Path.Combine(data, "scimsync.db"));

    // Jira, Confluence, Bitbucket: each section of ScimSync:Atlassian that has somewhere to write to.
    foreach (var target in builder.Configuration.GetSection("ScimSync:Atlassian").GetChildren())
    {
        if (target["BaseAddress"] is { Length: > 0 })
        {
            scim.AddAtlassianTarget(target.Key);
        }
    }

    // An LDAP directory feeding the same users, when ScimSync:Ldap:ldap:Host is set.
    if (builder.Configuration["ScimSync:Ldap:ldap:Host"] is { Length: > 0 })
    {
        scim.AddLdapSource("ldap", _ => { }).AddConnection("ldap", c => c.UseDirectory("atlassian"));
    }
});
#endregion

var app = builder.Build();
app.MapScim("/scim");
app.Lifetime.ApplicationStarted.Register(() =>
{
    demo?.Print();
    SampleToken.PrintConnectionInfo(app, "/scim/okta/v2", Token("okta"));
    SampleToken.PrintConnectionInfo(app, "/scim/entra/v2", Token("entra"));
});
app.Run();
