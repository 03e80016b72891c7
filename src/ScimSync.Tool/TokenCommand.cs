// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.CommandLine;
using ScimSync.Server;

namespace ScimSync.Tool;

/// <summary><c>scimsync token</c>: a new bearer token for a connection, and the hash to configure instead of it.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var command = new Command("token", "Generate a strong bearer token and its SHA-256 hash (configure the hash, give the token to the identity provider).");
        command.SetAction(_ =>
        {
            var token = ScimBearerToken.Generate();
            Console.WriteLine($"Token:  {token.Token}");
            Console.WriteLine($"Sha256: {token.Sha256}");
            Console.WriteLine();
            Console.WriteLine("Configure:  scim.AddConnection(\"name\", c => c.UseBearerTokenHash(\"<Sha256>\"))");
            Console.WriteLine("        or  ScimSync:Connections:<name>:Tokens:0:Sha256 = <Sha256>");
            Console.WriteLine("The token is shown once; keep only the hash.");
            return 0;
        });
        return command;
    }
}
