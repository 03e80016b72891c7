// Copyright (c) ScimSync contributors. Licensed under the MIT License.

// A SCIM 2.0 server over an application's own EF Core tables (Employees, Teams, TeamMemberships) on SQLite.
//   dotnet run --project samples/ScimSync.Samples.EfCore [--urls http://0.0.0.0:5001]
// Configuration: ConnectionStrings:App (default Data Source=./.data/app.db), ScimSync:Token (env ScimSync__Token;
// a fresh one is generated and printed when unset), ScimTables:MaxScannedRows.
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using ScimSync.Samples.EfCore.Data;
using ScimSync.Samples.EfCore.Scim;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5001");
}

var connectionString = builder.Configuration.GetConnectionString("App") is { Length: > 0 } configured
    ? configured
    : $"Data Source={Path.Combine(Directory.CreateDirectory(".data").FullName, "app.db")}";
var token = builder.Configuration["ScimSync:Token"] is { Length: > 0 } configuredToken
    ? configuredToken
    : System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

// The application's own data access, as it was before SCIM: a DbContext over its tables. The stores take the
// factory so that each SCIM operation gets its own short-lived context.
builder.Services.AddDbContextFactory<AppDbContext>(o => o.UseSqlite(connectionString));
builder.Services.Configure<ScimTablesOptions>(builder.Configuration.GetSection("ScimTables"));

// The host's own stores serve exactly one directory, so every connection shares it (docs/decisions/0002).
#region register-stores
builder.Services.AddScimProvisioning(scim => scim
    .AddConnection("default", c => c.UseBearerToken(token))
    .AddUserStore<EmployeeUserStore>()
    .AddGroupStore<TeamGroupStore>());
#endregion

var app = builder.Build();

// Stands in for the application's migrations: the tables exist before SCIM is added.
await AppDatabase.InitializeAsync(app.Services).ConfigureAwait(false);

app.MapScim("/scim");
app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var address in addresses)
    {
        Console.WriteLine($"SCIM Base URL: {address.TrimEnd('/')}/scim/default/v2");
    }

    Console.WriteLine($"Secret Token:  {token}");
    Console.Out.Flush();
});
await app.RunAsync().ConfigureAwait(false);
