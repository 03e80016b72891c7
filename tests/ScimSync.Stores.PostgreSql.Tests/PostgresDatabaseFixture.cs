// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using ScimSync.Schema;
using ScimSync.Stores.PostgreSql.Internal;

namespace ScimSync.Stores.PostgreSql.Tests;

/// <summary>
/// A fresh database per test class on the server <c>PG_CONNECTION_STRING</c> names (its role has <c>CREATEDB</c>),
/// dropped afterwards. Providers made here each own a separate <see cref="NpgsqlDataSource"/>, as separate host
/// instances would.
/// </summary>
public sealed class PostgresDatabaseFixture : IAsyncLifetime
{
    private readonly List<PostgreSqlStoreProvider> _providers = [];

    public static string? ServerConnectionString => Environment.GetEnvironmentVariable("PG_CONNECTION_STRING") is { Length: > 0 } cs ? cs : null;

    public static bool IsConfigured => ServerConnectionString is not null;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public string DatabaseName { get; } = "scimsync_t_" + Guid.NewGuid().ToString("N")[..16];

    public string ConnectionString { get; private set; } = string.Empty;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public static JsonObject User(string userName, string? externalId = null, string? title = null)
    {
        var user = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemas.User),
            ["userName"] = userName,
            ["active"] = true,
        };
        if (externalId is not null)
        {
            user["externalId"] = externalId;
        }

        if (title is not null)
        {
            user["title"] = title;
        }

        return user;
    }

    public static JsonObject Group(string displayName, params string[] memberIds) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemas.Group),
        ["displayName"] = displayName,
        ["members"] = new JsonArray([.. memberIds.Select(id => (JsonNode)new JsonObject { ["value"] = id })]),
    };

    public async Task InitializeAsync()
    {
        if (ServerConnectionString is not { } server)
        {
            if (IsCi)
            {
                throw new InvalidOperationException("CI=true but PG_CONNECTION_STRING is not set: the PostgreSQL tests cannot run (./test.sh starts PostgreSQL).");
            }

            return;
        }

        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\";", connection);
            await command.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = DatabaseName }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (ServerConnectionString is { } server && ConnectionString.Length > 0)
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE);", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>A provider whose server does not answer: a loopback port nothing listens on (taken, then freed).</summary>
    internal PostgreSqlStoreProvider CreateUnreachableProvider()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return CreateProvider(connectionString: $"Host=127.0.0.1;Port={port};Username=nobody;Password=x;Database=none;Timeout=3");
    }

    /// <summary>A provider with its own connection pool, like one host instance.</summary>
    internal PostgreSqlStoreProvider CreateProvider(int maxScannedResources = 10_000, string? connectionString = null, TimeProvider? time = null)
    {
        if (!IsConfigured)
        {
            throw new InvalidOperationException("PG_CONNECTION_STRING is not set.");
        }

        var options = new PostgreSqlStoreOptions { ConnectionString = connectionString ?? ConnectionString, MaxScannedResources = maxScannedResources };
        var provider = new PostgreSqlStoreProvider(
            PostgreSqlDatabase.Create(options.ConnectionString, options.MaxRetries),
            ownsDatabase: true,
            new ScimSchemaRegistry(),
            time ?? Time,
            options);
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider;
    }

    /// <summary>Opens a plain connection to the test database (for EXPLAIN, locks and inspection).</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
