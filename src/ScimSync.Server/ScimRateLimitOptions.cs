// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Server;

/// <summary>
/// A connection's request rate limit: a token bucket of <see cref="Burst"/> requests, refilled at
/// <see cref="RequestsPerSecond"/>. A request over the limit gets 429 with <c>Retry-After</c> before anything is read
/// or written, so an identity provider's retry is always safe.
/// </summary>
public sealed class ScimRateLimitOptions
{
    /// <summary>Gets or sets the sustained rate, in requests per second.</summary>
    /// <value>Defaults to 50.</value>
    public double RequestsPerSecond { get; set; } = 50;

    /// <summary>Gets or sets how many requests may arrive at once above the sustained rate (the bucket's size).</summary>
    /// <value>Defaults to 100.</value>
    public int Burst { get; set; } = 100;
}
