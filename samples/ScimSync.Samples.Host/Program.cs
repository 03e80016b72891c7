// Copyright (c) ScimSync contributors. Licensed under the MIT License.

// A SCIM 2.0 server for Microsoft Entra ID, Okta and other provisioning clients, on an embedded SQLite file.
//   dotnet run --project samples/ScimSync.Samples.Host [--urls http://0.0.0.0:5000]
// Configuration: ScimSync:Token (env ScimSync__Token), ScimSync:AdminKey (the operator console's sign-in) and
// ScimSync:DataDirectory (default ./.data); ScimSync:PostgreSql (env ScimSync__PostgreSql), a connection string,
// switches the store to PostgreSQL, and ScimSync:Store=memory to the in-memory store (nothing survives a restart). The
// operator console is at /scim-admin.
using ScimSync.Samples.Host;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5000");
}

var dataDirectory = SampleToken.PrepareDataDirectory(builder.Configuration["ScimSync:DataDirectory"] ?? ".data");
var token = builder.Configuration["ScimSync:Token"] is { Length: > 0 } configured
    ? configured
    : SampleToken.LoadOrCreate(dataDirectory);
var adminKey = builder.Configuration["ScimSync:AdminKey"] is { Length: > 0 } key
    ? key
    : SampleToken.LoadOrCreate(dataDirectory, "admin-key");

// One connection, "default": paste its base URL and token into the identity provider. Add more for more providers.
// Its mapping policies (attribute mapping, lifecycle switches, group mapping) come from appsettings.json.
builder.Services.AddScimProvisioning(scim =>
{
    scim.BindConfiguration("ScimSync").AddConnection("default", c => c.UseBearerToken(token));
    if (builder.Configuration["ScimSync:PostgreSql"] is { Length: > 0 } postgres)
    {
        scim.UsePostgreSqlStore(postgres);
    }
    else if (string.Equals(builder.Configuration["ScimSync:Store"], "memory", StringComparison.OrdinalIgnoreCase))
    {
        // For trying things out, and for measuring the server without a store's I/O (docs/performance.md).
        scim.AddInMemoryStore();
    }
    else
    {
        scim.AddSqliteStore(o => o.DatabasePath = Path.Combine(dataDirectory, "scimsync.db"));
    }

    #region console-services
    // The provisioning log survives restarts; the operator console shows it and keeps its changes in the store.
    scim.AddSqliteProvisioningLog(o => o.DatabasePath = Path.Combine(dataDirectory, "provisioning-log.db"));
    scim.AddOperatorConsole(o => o.SignOutPath = "/admin/logout");
    #endregion
});
builder.Services.AddAdminSignIn();

var app = builder.Build();
#region console-pipeline
app.UseAuthentication();
app.UseAuthorization();
app.MapScim("/scim");
app.MapAdminSignIn(adminKey, "/scim-admin");
app.MapScimAdmin("/scim-admin", AdminSignIn.Policy, scimPrefix: "/scim");
#endregion
app.Lifetime.ApplicationStarted.Register(() => SampleToken.PrintConnectionInfo(app, "/scim/default/v2", token, "/scim-admin", adminKey));
app.Run();
