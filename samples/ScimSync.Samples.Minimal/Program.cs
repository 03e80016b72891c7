// Copyright (c) ScimSync contributors. Licensed under the MIT License.

// The smallest ScimSync host: one connection ("default"), the embedded SQLite store, one bearer token.
//   dotnet run --project samples/ScimSync.Samples.Minimal -- --urls http://127.0.0.1:5080
// ScimSync:Token (env ScimSync__Token) sets the token, else a new one is generated and printed at every start;
// ScimSync:Database (env ScimSync__Database) moves the SQLite file (default scimsync.db in the working directory).
#region minimal-host
using ScimSync.Server;

var builder = WebApplication.CreateBuilder(args);
var token = builder.Configuration["ScimSync:Token"] is { Length: > 0 } configured ? configured : ScimBearerToken.Generate().Token;

builder.Services.AddScimProvisioning(scim => scim
    .AddConnection("default", c => c.UseBearerToken(token))
    .AddSqliteStore(o => o.DatabasePath = builder.Configuration["ScimSync:Database"] ?? "scimsync.db"));

var app = builder.Build();
app.MapScim("/scim");
app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var url in app.Urls)
    {
        Console.WriteLine($"SCIM Base URL: {url.TrimEnd('/')}/scim/default/v2");
    }

    Console.WriteLine($"Secret Token:  {token}");
});
app.Run();
#endregion
