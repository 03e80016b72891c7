// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Atlassian.Emulator;

/// <summary>
/// Faults an emulated product injects into its answers, to test what a client does when the product is down,
/// overloaded or failing. Thread-safe; changes apply to the next request.
/// </summary>
public sealed class EmulatorFaults
{
    private readonly Lock _gate = new();
    private int _failCount;
    private HttpStatusCode _failStatus;
    private TimeSpan? _failRetryAfter;

    /// <summary>
    /// Gets or sets a value indicating whether the product is down: every request's connection is aborted without an
    /// answer, as when the server is stopped behind a proxy that resets the connection.
    /// </summary>
    public bool Down { get; set; }

    /// <summary>Gets the number of requests the product has received (faulted ones included).</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    private int _requestCount;

    /// <summary>
    /// Makes the next <paramref name="count"/> requests fail with <paramref name="status"/> (and, when given, a
    /// <c>Retry-After</c> header), with the product's own error body.
    /// </summary>
    /// <param name="count">How many requests fail.</param>
    /// <param name="status">The status to answer (for example 500, 503 or 429).</param>
    /// <param name="retryAfter">The <c>Retry-After</c> to send, or <see langword="null"/> for none.</param>
    public void FailNext(int count, HttpStatusCode status = HttpStatusCode.InternalServerError, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _failCount = count;
            _failStatus = status;
            _failRetryAfter = retryAfter;
        }
    }

    /// <summary>Clears every fault: the product is up and answers normally.</summary>
    public void Clear()
    {
        Down = false;
        FailNext(0);
    }

    /// <summary>Counts a request and says which fault, if any, it gets.</summary>
    internal (bool Abort, HttpStatusCode? Status, TimeSpan? RetryAfter) Next()
    {
        Interlocked.Increment(ref _requestCount);
        if (Down)
        {
            return (true, null, null);
        }

        lock (_gate)
        {
            if (_failCount > 0)
            {
                _failCount--;
                return (false, _failStatus, _failRetryAfter);
            }
        }

        return (false, null, null);
    }
}
