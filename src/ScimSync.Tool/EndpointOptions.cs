// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.CommandLine;
using Spectre.Console;

namespace ScimSync.Tool;

/// <summary>The options every command aimed at a SCIM endpoint takes: its base URL and its bearer token.</summary>
internal static class EndpointOptions
{
    private const string TokenVariable = "SCIMSYNC_TOKEN";

    /// <summary>A required <c>--base</c>: an absolute http(s) URL.</summary>
    public static Option<Uri> BaseUrl(string example) => new("--base")
    {
        Description = $"The SCIM base URL, e.g. {example}.",
        Required = true,
        CustomParser = argument =>
        {
            var text = argument.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }

            argument.AddError($"'{text}' is not an absolute http(s) URL.");
            return null;
        },
    };

    /// <summary>A <c>--token</c> that falls back to the <c>SCIMSYNC_TOKEN</c> environment variable.</summary>
    public static Option<string> Token() => new("--token") { Description = $"The bearer token (default: the {TokenVariable} environment variable)." };

    /// <summary>The token given or from the environment; <see langword="null"/> (with the reason written) when neither.</summary>
    public static string? ResolveToken(ParseResult result, Option<string> token, IAnsiConsole output)
    {
        var bearer = result.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable);
        if (string.IsNullOrEmpty(bearer))
        {
            output.MarkupLine($"[red]No token: pass --token or set {TokenVariable}.[/]");
            return null;
        }

        return bearer;
    }
}
