// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using ScimSync.Conformance;
using ScimSync.Server;

namespace ScimSync.Stores.InMemory.Tests;

/// <summary>Runs the protocol conformance suite (Entra ID, Okta and RFC 7644 sequences over HTTP) on the in-memory store.</summary>
public sealed class InMemoryProtocolConformanceTests : ScimProtocolConformanceTests
{
    protected override void ConfigureStore(ScimProvisioningBuilder scim) => scim.AddInMemoryStore();
}
