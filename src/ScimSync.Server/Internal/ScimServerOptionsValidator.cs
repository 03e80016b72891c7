// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace ScimSync.Server.Internal;

/// <summary>Checks <see cref="ScimServerOptions"/> at start-up and reports every problem at once.</summary>
internal sealed class ScimServerOptionsValidator : IValidateOptions<ScimServerOptions>
{
    public const int MinimumTokenLength = 16;

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

        if (options.PatchConflictRetries < 0)
        {
            problems.Add($"ScimServerOptions.PatchConflictRetries must not be negative (was {options.PatchConflictRetries}).");
        }

        if (options.Compatibility is null)
        {
            problems.Add("ScimServerOptions.Compatibility must not be null.");
        }

        if (options.RequireBearerToken)
        {
            if (options.BearerTokens.Count == 0)
            {
                problems.Add("ScimServerOptions.BearerTokens is empty: add a token (for example from configuration 'ScimSync:Token') or set RequireBearerToken = false when the host authenticates SCIM clients itself.");
            }

            for (var i = 0; i < options.BearerTokens.Count; i++)
            {
                var token = options.BearerTokens[i];
                if (string.IsNullOrWhiteSpace(token) || token.Length < MinimumTokenLength)
                {
                    // Never echo the token itself.
                    problems.Add($"ScimServerOptions.BearerTokens[{i}] is shorter than {MinimumTokenLength} characters.");
                }
                else if (token.Any(char.IsWhiteSpace))
                {
                    problems.Add($"ScimServerOptions.BearerTokens[{i}] contains white space.");
                }
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
