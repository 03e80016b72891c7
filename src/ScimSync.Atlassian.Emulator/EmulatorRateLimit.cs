// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian.Emulator;

/// <summary>
/// The Data Center products' REST rate limiting (Jira 8.6+, Confluence 7.7+, Bitbucket 7.x+): a token bucket per
/// user holding at most <see cref="MaxRequests"/> tokens, refilled with <see cref="RequestsAllowed"/> tokens every
/// <see cref="Interval"/>; a request without a token gets 429. Every authenticated answer carries
/// <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c>, <c>X-RateLimit-Interval-Seconds</c>,
/// <c>X-RateLimit-FillRate</c> and <c>Retry-After</c> (0 while tokens are left).
/// </summary>
public sealed class EmulatorRateLimit
{
    /// <summary>Gets or sets the bucket's size (the admin's "Max requests").</summary>
    /// <value>Defaults to 100.</value>
    public int MaxRequests { get; set; } = 100;

    /// <summary>Gets or sets the tokens added every interval (the admin's "Requests allowed").</summary>
    /// <value>Defaults to 10.</value>
    public int RequestsAllowed { get; set; } = 10;

    /// <summary>Gets or sets the refill interval.</summary>
    /// <value>Defaults to one second.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>One user's token bucket.</summary>
internal sealed class TokenBucket(EmulatorRateLimit limit, TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _tokens = limit.MaxRequests;
    private long _refilledAt = time.GetTimestamp();

    /// <summary>Takes a token if there is one.</summary>
    /// <returns>Whether a token was taken, the tokens left, and how long until the next refill when none was.</returns>
    public (bool Taken, int Remaining, TimeSpan RetryAfter) TryTake()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var intervals = (long)(time.GetElapsedTime(_refilledAt, now) / limit.Interval);
            if (intervals > 0)
            {
                _tokens = Math.Min(limit.MaxRequests, _tokens + (intervals * limit.RequestsAllowed));
                _refilledAt += (long)(intervals * limit.Interval.TotalSeconds * time.TimestampFrequency);
            }

            if (_tokens >= 1)
            {
                _tokens--;
                return (true, (int)_tokens, TimeSpan.Zero);
            }

            var wait = limit.Interval - time.GetElapsedTime(_refilledAt, now);
            return (false, 0, wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        }
    }
}
