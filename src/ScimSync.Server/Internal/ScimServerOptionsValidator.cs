// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScimSync.Policies;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>Checks <see cref="ScimServerOptions"/> at start-up and reports every problem at once.</summary>
internal sealed class ScimServerOptionsValidator(IServiceProviderIsService isService) : IValidateOptions<ScimServerOptions>
{

    public ValidateOptionsResult Validate(string? name, ScimServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.MaxResults < 1)
        {
            problems.Add($"ScimServerOptions.MaxResults must be at least 1 (was {options.MaxResults}).");
        }

        if (options.MaxRequestBodySize < 1024)
        {
            problems.Add($"ScimServerOptions.MaxRequestBodySize must be at least 1024 bytes (was {options.MaxRequestBodySize}).");
        }

        if (options.Bulk.MaxOperations < 1)
        {
            problems.Add($"ScimServerOptions.Bulk.MaxOperations must be at least 1 (was {options.Bulk.MaxOperations}).");
        }

        if (options.Bulk.MaxPayloadSize < 1024)
        {
            problems.Add($"ScimServerOptions.Bulk.MaxPayloadSize must be at least 1024 bytes (was {options.Bulk.MaxPayloadSize}).");
        }

        if (options.PatchConflictRetries < 0)
        {
            problems.Add($"ScimServerOptions.PatchConflictRetries must not be negative (was {options.PatchConflictRetries}).");
        }

        if (options.Compatibility is null)
        {
            problems.Add("ScimServerOptions.Compatibility must not be null.");
        }

        if (options.MaxMembersPerRequest < 1)
        {
            problems.Add($"ScimServerOptions.MaxMembersPerRequest must be at least 1 (was {options.MaxMembersPerRequest}).");
        }

        if (options.Connections.Count == 0)
        {
            problems.Add("ScimServerOptions.Connections is empty: add one with 'AddConnection(\"entra\", c => c.UseBearerToken(...))' or in configuration ('ScimSync:Connections:<name>:Tokens:0:Sha256').");
        }

        foreach (var (connectionName, connection) in options.Connections)
        {
            ValidateConnection(connectionName, connection, problems);
        }

        if (!isService.IsService(typeof(IScimStoreProvider)))
        {
            // The host's own IUserStore/IGroupStore hold one set of users: two directories would silently share it.
            var directories = options.Connections
                .Select(c => string.IsNullOrWhiteSpace(c.Value.Directory) ? c.Key : c.Value.Directory)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (directories.Count > 1)
            {
                problems.Add(
                    $"The connections use {directories.Count} directories ({string.Join(", ", directories)}), but the registered IUserStore/IGroupStore " +
                    "serve a single one: give every connection the same directory (c.UseDirectory(\"...\")), or register an IScimStoreProvider.");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void ValidateConnection(string name, ScimConnectionOptions connection, List<string> problems)
    {
        var where = $"ScimServerOptions.Connections[\"{name}\"]";
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            problems.Add($"{where}: a connection name is its URL segment: 1 to 64 letters, digits, '-' or '_'.");
        }

        if (connection is null)
        {
            problems.Add($"{where} is null.");
            return;
        }

        if (connection.Compatibility is null && !Enum.IsDefined(connection.IdentityProvider))
        {
            problems.Add($"{where}.IdentityProvider '{connection.IdentityProvider}' is not defined.");
        }

        if (connection.AcceptsRequests && connection.AuthenticationScheme is null && connection.Tokens.Count == 0)
        {
            problems.Add($"{where} has no bearer token: add one (UseBearerToken, UseBearerTokenHash or 'Tokens' in configuration), set AuthenticationScheme, or set AcceptsRequests to false for a connection fed only in process (ScimProvisioner, directory sync).");
        }

        if (connection.TokenExpiryWarning < TimeSpan.Zero)
        {
            problems.Add($"{where}.TokenExpiryWarning must not be negative.");
        }

        if (connection.RateLimit is { } limit && (!(limit.RequestsPerSecond > 0) || double.IsInfinity(limit.RequestsPerSecond) || limit.Burst < 1))
        {
            problems.Add($"{where}.RateLimit needs RequestsPerSecond above 0 and Burst of at least 1.");
        }

        if (connection.Policies is { } policies)
        {
            var found = new List<string>();
            if (policies.AttributeMappingPolicy is null)
            {
                found.AddRange(AttributeMappingPolicy.Validate(policies.AttributeMapping));
            }

            if (policies.LifecyclePolicy is null)
            {
                found.AddRange(UserLifecyclePolicy.Validate(policies.Lifecycle));
            }

            if (policies.GroupMappingPolicy is null)
            {
                found.AddRange(GroupMappingPolicy.Validate(policies.GroupMapping));
            }

            found.AddRange(SafetyBrakeOptions.Validate(policies.SafetyBrake));
            problems.AddRange(found.Select(problem => $"{where}.Policies.{problem}"));
        }

        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < connection.Tokens.Count; i++)
        {
            // Never echo a token or its hash.
            var token = connection.Tokens[i];
            var at = $"{where}.Tokens[{i}]";
            if (token is null)
            {
                problems.Add($"{at} is null.");
                continue;
            }

            if (!string.IsNullOrEmpty(token.Value) == !string.IsNullOrEmpty(token.Sha256))
            {
                problems.Add($"{at}: set exactly one of Value and Sha256.");
            }
            else if (token.Value is { Length: > 0 } value)
            {
                if (value.Length < ScimBearerToken.MinimumLength)
                {
                    problems.Add($"{at} is shorter than {ScimBearerToken.MinimumLength} characters.");
                }
                else if (value.Any(char.IsWhiteSpace))
                {
                    problems.Add($"{at} contains white space.");
                }
            }
            else if (token.Sha256!.Length != 64 || !token.Sha256.All(char.IsAsciiHexDigit))
            {
                problems.Add($"{at}.Sha256 must be 64 hexadecimal digits (ScimBearerToken.ComputeSha256).");
            }

            if (token.Name is { } label && !labels.Add(label))
            {
                problems.Add($"{at}.Name '{label}' is used twice.");
            }
        }
    }
}
