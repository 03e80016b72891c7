// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using ScimSync.Pull;

namespace ScimSync.Okta.Tests.Source;

/// <summary>The source signed in as an OAuth 2.0 service app: private_key_jwt, DPoP, the token cache.</summary>
public sealed class OktaServiceAppTests
{
    [Fact]
    public async Task Read_ServiceAppWithDPoP_GetsANonceThenABoundToken_AndCachesIt()
    {
        await using var org = await OktaTestOrg.StartAsync();
        org.Emulator.AddUser("user@example.com");
        org.Emulator.AddGroup("Group");
        var source = org.Source(org.ServiceAppOptions());

        var users = await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));
        var groups = await OktaTestOrg.ReadGroupsAsync(org.Source(org.ServiceAppOptions()), new SourceRead(null));

        Assert.Single(users);
        Assert.Single(groups);
        Assert.Equal(1, org.Emulator.TokensIssued);
        Assert.Equal(2, org.Emulator.TokenRequestCount); // the first answered use_dpop_nonce
    }

    [Fact]
    public async Task Read_ApiAsksForADPoPNonce_ProofIsSignedAgainWithIt()
    {
        await using var org = await OktaTestOrg.StartAsync();
        org.Emulator.AddUser("user@example.com");
        org.Emulator.RequireDPoPNonceForApi = true;
        var source = org.Source(org.ServiceAppOptions());

        var users = await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));
        var again = await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));

        Assert.Single(users);
        Assert.Single(again);
        Assert.Equal(1, org.Emulator.TokensIssued);
        Assert.Equal(5, org.Emulator.Requests.Count); // one refusal asking for the nonce, then two requests per read
    }

    [Fact]
    public async Task Read_TokenNearExpiry_IsRenewed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        await using var org = await OktaTestOrg.StartAsync(time);
        org.Emulator.AddUser("user@example.com");
        var source = org.Source(org.ServiceAppOptions());

        await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));
        time.Advance(TimeSpan.FromMinutes(50));
        await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));
        var afterFifty = org.Emulator.TokensIssued;
        time.Advance(TimeSpan.FromMinutes(9)); // 59 minutes: within RenewBefore of the hour
        await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));

        Assert.Equal(1, afterFifty);
        Assert.Equal(2, org.Emulator.TokensIssued);
    }

    [Fact]
    public async Task Read_TokenRevoked_IsRenewedOnceAndTheReadCompletes()
    {
        await using var org = await OktaTestOrg.StartAsync();
        org.Emulator.AddUser("user@example.com");
        var source = org.Source(org.ServiceAppOptions());
        await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));

        org.Emulator.RevokeAccessTokens();
        var users = await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));

        Assert.Single(users);
        Assert.Equal(2, org.Emulator.TokensIssued);
    }

    [Fact]
    public async Task Read_AppWithoutDPoP_UsesABearerToken()
    {
        await using var org = await OktaTestOrg.StartAsync(requireDPoP: false);
        org.Emulator.AddUser("user@example.com");
        var source = org.Source(org.ServiceAppOptions(o => o.UseDPoP = false));

        var users = await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));

        Assert.Single(users);
        Assert.Equal(1, org.Emulator.TokenRequestCount);
    }

    [Fact]
    public async Task Read_DPoPRequiredButOff_ThrowsUnauthorizedSayingSo()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var source = org.Source(org.ServiceAppOptions(o => o.UseDPoP = false));

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unauthorized, e.Kind);
        Assert.Contains("invalid_dpop_proof", e.Message, StringComparison.Ordinal);
        Assert.Contains("UseDPoP", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_KeyNotRegistered_ThrowsUnauthorizedInvalidClient_WithoutTheKey()
    {
        await using var org = await OktaTestOrg.StartAsync();
        using var other = RSA.Create(2048);
        var pem = other.ExportPkcs8PrivateKeyPem();
        var source = org.Source(org.ServiceAppOptions(o => o.PrivateKey = pem));

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unauthorized, e.Kind);
        Assert.Equal(401, e.Status);
        Assert.Contains("invalid_client", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(pem.Split('\n')[1], e.Message, StringComparison.Ordinal);
        Assert.Equal(0, org.Emulator.TokensIssued);
    }

    [Fact]
    public async Task ReadGroups_ScopeNotGranted_ThrowsUnauthorizedNamingTheScope()
    {
        await using var org = await OktaTestOrg.StartAsync(scopes: ["okta.users.read", "okta.groups.read"]);
        var source = org.Source(org.ServiceAppOptions(o => o.Scopes = "okta.users.read"));

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => OktaTestOrg.ReadGroupsAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unauthorized, e.Kind);
        Assert.Equal(403, e.Status);
        Assert.Contains("okta.groups.read", e.Message, StringComparison.Ordinal);
        Assert.Contains("E0000006", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ScopeAskedButNotGranted_ThrowsUnauthorizedInvalidScope()
    {
        await using var org = await OktaTestOrg.StartAsync(scopes: ["okta.users.read"]);
        var source = org.Source(org.ServiceAppOptions());

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unauthorized, e.Kind);
        Assert.Contains("invalid_scope", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_PrivateKeyFromAFile_Works()
    {
        await using var org = await OktaTestOrg.StartAsync();
        org.Emulator.AddUser("user@example.com");
        var path = Path.Combine(Path.GetTempPath(), $"okta-key-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(path, OktaTestOrg.PrivateKeyPem);
        try
        {
            var source = org.Source(org.ServiceAppOptions(o => o.PrivateKey = path));

            Assert.Single(await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
