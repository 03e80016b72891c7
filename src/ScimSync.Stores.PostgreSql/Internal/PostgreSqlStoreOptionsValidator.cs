// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;
using Npgsql;

namespace ScimSync.Stores.PostgreSql.Internal;

/// <summary>Reports every problem of <see cref="PostgreSqlStoreOptions"/> at once, so bad configuration stops startup.</summary>
internal sealed class PostgreSqlStoreOptionsValidator : IValidateOptions<PostgreSqlStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("PostgreSqlStoreOptions.ConnectionString must be set.");
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException e)
            {
                // The message names the bad keyword; it never contains the password.
                failures.Add($"PostgreSqlStoreOptions.ConnectionString is not a valid Npgsql connection string: {e.Message}");
            }
        }

        if (options.MaxScannedResources <= 0)
        {
            failures.Add("PostgreSqlStoreOptions.MaxScannedResources must be positive.");
        }

        if (options.MaxRetries < 0)
        {
            failures.Add("PostgreSqlStoreOptions.MaxRetries must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
