// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using BenchmarkDotNet.Running;
using ScimSync.Benchmarks.Scale;

// "scale" runs the store scale measurement (it needs minutes of seeding, not BenchmarkDotNet's repetitions); anything
// else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "scale")
{
    return await SqliteScale.RunAsync(args[1..]);
}

// "ldap-sync" measures a full LDAP sync against the slapd of eng/ldap/start-slapd.sh (its env file exported).
if (args.Length > 0 && args[0] == "ldap-sync")
{
    return await LdapSyncScale.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
