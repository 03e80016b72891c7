// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.CommandLine;
using ScimSync.Tool;
using ScimSync.Tool.Check;
using ScimSync.Tool.Ldap;
using ScimSync.Tool.Load;

var root = new RootCommand("ScimSync: SCIM 2.0 provisioning tools.")
{
    TokenCommand.Create(),
    CheckCommand.Create(),
    LdapCommand.Create(),
    LoadCommand.Create(),
    CeilingCommand.Create(),
    FloorCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
