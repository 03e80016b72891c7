// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Ldap.Tests;

/// <summary>
/// A test that needs the throwaway OpenLDAP server (<c>LDAP_URL</c> and friends, set by <c>./test.sh</c>). Without it the
/// test is skipped with a message saying how to run it, except with <c>CI=true</c>, where it runs and fails: CI must never
/// pass by skipping the directory tests.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LdapFactAttribute : FactAttribute
{
    public LdapFactAttribute()
    {
        if (!LdapTestServer.IsConfigured && !LdapTestServer.IsCi)
        {
            Skip = LdapTestServer.SkipMessage;
        }
    }
}

/// <summary>A table-driven <see cref="LdapFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LdapTheoryAttribute : TheoryAttribute
{
    public LdapTheoryAttribute()
    {
        if (!LdapTestServer.IsConfigured && !LdapTestServer.IsCi)
        {
            Skip = LdapTestServer.SkipMessage;
        }
    }
}
