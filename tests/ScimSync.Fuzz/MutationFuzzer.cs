// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ScimSync.Fuzz;

/// <summary>
/// A coverage-blind mutation fuzzer for machines without AFL: byte flips, interesting bytes, deletions, duplications,
/// splices, SCIM and filter tokens from a dictionary and deep nesting, starting from a seed corpus. Inputs a target
/// accepts join the pool, so mutations reach past the first syntax check. One seed makes one sequence of inputs:
/// runs are reproducible (with the same corpus) given the seed printed at the start.
/// </summary>
public sealed class MutationFuzzer
{
    private const int MaxInputLength = 64 * 1024;
    private const int MaxPool = 4096;

    private static readonly byte[][] s_dictionary = new[]
    {
        " eq ", " ne ", " co ", " sw ", " ew ", " gt ", " ge ", " lt ", " le ", " pr", " and ", " or ", "not ", "not(",
        "(", ")", "[", "]", ".", ":", "\"", "\\\"", "\\u0000", "\\ud800", "true", "false", "null", "0", "-0", "1e309",
        "-9223372036854775809", "1.5", "\"2011-05-13T04:42:34Z\"", "\"9999-12-31T23:59:60Z\"", "userName", "emails",
        "emails[type eq \"work\"]", "members", "members[value eq \"x\"]", "value", "display", "$ref", "type", "primary",
        "name.givenName", "meta.lastModified", "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:core:2.0:Group", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        "urn:ietf:params:scim:api:messages:2.0:PatchOp", "\"schemas\"", "\"Operations\"", "\"op\"", "\"path\"",
        "\"value\"", "\"add\"", "\"Add\"", "\"replace\"", "\"Replace\"", "\"remove\"", "\"members\"", "\"active\"",
        "\"False\"", "\"id\"", "\"externalId\"", "\"meta\"", "\"groups\"", "\"password\"", "\"manager\"", "{", "}",
        "{}", "[]", ",", "\":\"", "\u00e9", "\ud83d\ude00", "\u0130", "\u212a",
    }.Select(Encoding.UTF8.GetBytes).Append([0xC0, 0x80]).Append([0xED, 0xA0, 0x80]).Append([0xFF]).ToArray();

    private static readonly byte[] s_interesting = "\0\"\\[](){}:.,- \t\n\u007f"u8.ToArray().Append((byte)0x80).Append((byte)0xFF).ToArray();

    private readonly string _name;
    private readonly Func<byte[], bool> _target;
    private readonly Random _random;
    private readonly string _output;
    private readonly HashSet<string> _crashSignatures = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance.</summary>
    /// <param name="name">The target's name, for messages.</param>
    /// <param name="target">The target.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="output">Where crashing inputs are saved.</param>
    public MutationFuzzer(string name, Func<byte[], bool> target, int seed, string output)
    {
        _name = name;
        _target = target;
        Seed = seed;
        _random = new Random(seed);
        _output = output;
    }

    /// <summary>Gets the seed.</summary>
    public int Seed { get; }

    /// <summary>Reads every file under a directory.</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The inputs, in file-name order.</returns>
    public static List<byte[]> LoadCorpus(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToList();

    /// <summary>Runs the seed inputs, then mutations of the pool, until the time is up or enough inputs ran.</summary>
    /// <param name="corpus">The seed inputs.</param>
    /// <param name="duration">How long to run, or <see langword="null"/> for no time limit.</param>
    /// <param name="maxExecutions">How many inputs to run, seeds included, or <see langword="null"/> for no limit.
    /// With a count and no time limit a run is fully reproducible from its seed.</param>
    /// <returns>What happened.</returns>
    public FuzzReport Run(List<byte[]> corpus, TimeSpan? duration = null, long? maxExecutions = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        if (duration is null && maxExecutions is null)
        {
            throw new ArgumentException("Give a duration, a number of executions or both.", nameof(duration));
        }

        Console.WriteLine($"fuzz {_name}: seed {Seed}, {corpus.Count} corpus inputs, {duration?.TotalSeconds.ToString("0 s", CultureInfo.InvariantCulture) ?? "no time limit"}, {maxExecutions?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"} inputs, crashes to {_output}");
        var pool = new List<byte[]>(corpus.Count == 0 ? [[]] : corpus);
        var clock = Stopwatch.StartNew();
        long executions = 0, accepted = 0, crashes = 0;
        var slowest = TimeSpan.Zero;
        foreach (var input in corpus)
        {
            executions++;
            (var ok, var crashed, _) = Execute(input);
            accepted += ok ? 1 : 0;
            crashes += crashed ? 1 : 0;
        }

        var nextStatus = TimeSpan.FromSeconds(30);
        while ((duration is null || clock.Elapsed < duration) && (maxExecutions is null || executions < maxExecutions))
        {
            var input = Mutate(pool);
            executions++;
            (var ok, var crashed, var elapsed) = Execute(input);
            slowest = elapsed > slowest ? elapsed : slowest;
            if (ok)
            {
                accepted++;
                if (pool.Count < MaxPool)
                {
                    pool.Add(input);
                }
                else if (_random.Next(8) == 0)
                {
                    pool[_random.Next(corpus.Count, pool.Count)] = input;
                }
            }

            crashes += crashed ? 1 : 0;
            if (clock.Elapsed > nextStatus)
            {
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds:0} s: {executions} inputs, {accepted} accepted, {crashes} crashing ({_crashSignatures.Count} distinct)");
                nextStatus += TimeSpan.FromSeconds(30);
            }
        }

        return new FuzzReport(_name, Seed, executions, accepted, crashes, _crashSignatures.Count, clock.Elapsed, slowest);
    }

    private (bool Accepted, bool Crashed, TimeSpan Elapsed) Execute(byte[] input)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var ok = _target(input);
            return (ok, false, Stopwatch.GetElapsedTime(start));
        }
        catch (Exception e) when (!FuzzTargets.IsExpected(e))
        {
            var frame = e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? string.Empty;
            var signature = e.GetType().FullName + " " + frame;
            var hash = Convert.ToHexStringLower(SHA256.HashData(input))[..16];
            Directory.CreateDirectory(_output);
            File.WriteAllBytes(Path.Combine(_output, "crash-" + hash), input);
            if (_crashSignatures.Add(signature))
            {
                Console.WriteLine($"CRASH crash-{hash} {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }

            return (false, true, Stopwatch.GetElapsedTime(start));
        }
    }

    private byte[] Mutate(List<byte[]> pool)
    {
        var data = new List<byte>(pool[_random.Next(pool.Count)]);
        var count = 1 + _random.Next(_random.Next(2) == 0 ? 2 : 8);
        for (var i = 0; i < count; i++)
        {
            var at = data.Count == 0 ? 0 : _random.Next(data.Count + 1);
            switch (_random.Next(9))
            {
                case 0 when data.Count > 0:
                    at = Math.Min(at, data.Count - 1);
                    data[at] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    at = Math.Min(at, data.Count - 1);
                    data[at] = s_interesting[_random.Next(s_interesting.Length)];
                    break;
                case 2 when data.Count > 0:
                    data.RemoveRange(Math.Min(at, data.Count - 1), Math.Min(1 + _random.Next(16), data.Count - Math.Min(at, data.Count - 1)));
                    break;
                case 3 when data.Count > 0:
                    {
                        var from = _random.Next(data.Count);
                        var length = Math.Min(1 + _random.Next(32), data.Count - from);
                        data.InsertRange(at, data.GetRange(from, length));
                        break;
                    }

                case 4:
                    {
                        var other = pool[_random.Next(pool.Count)];
                        if (other.Length > 0)
                        {
                            var from = _random.Next(other.Length);
                            data.InsertRange(at, other.AsSpan(from, Math.Min(1 + _random.Next(64), other.Length - from)).ToArray());
                        }

                        break;
                    }

                case 5:
                    {
                        // Deep nesting and long repetitions, to reach the depth and length caps.
                        var token = s_dictionary[_random.Next(s_dictionary.Length)];
                        var times = _random.Next(2) == 0 ? _random.Next(2, 40) : _random.Next(40, 400);
                        data.InsertRange(at, Enumerable.Repeat(token, times).SelectMany(b => b));
                        break;
                    }

                case 6 when data.Count > 0:
                    {
                        // Splice: keep a prefix of this input and append a suffix of another.
                        var other = pool[_random.Next(pool.Count)];
                        data.RemoveRange(at == data.Count ? data.Count - 1 : at, data.Count - (at == data.Count ? data.Count - 1 : at));
                        data.AddRange(other.Skip(other.Length == 0 ? 0 : _random.Next(other.Length)));
                        break;
                    }

                default:
                    data.InsertRange(at, s_dictionary[_random.Next(s_dictionary.Length)]);
                    break;
            }
        }

        return data.Count > MaxInputLength ? data.GetRange(0, MaxInputLength).ToArray() : data.ToArray();
    }
}

/// <summary>The outcome of a run.</summary>
/// <param name="Target">The target.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Executions">Inputs tried, seeds included.</param>
/// <param name="Accepted">Inputs the target accepted.</param>
/// <param name="Crashes">Inputs that crashed.</param>
/// <param name="DistinctCrashes">Distinct crash signatures (exception type and top frame).</param>
/// <param name="Elapsed">How long it ran.</param>
/// <param name="Slowest">The slowest single input.</param>
public sealed record FuzzReport(string Target, int Seed, long Executions, long Accepted, long Crashes, int DistinctCrashes, TimeSpan Elapsed, TimeSpan Slowest)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"fuzz {Target}: seed {Seed}: {Executions} inputs in {Elapsed.TotalSeconds:0} s, {Accepted} accepted, {Crashes} crashing ({DistinctCrashes} distinct), slowest input {Slowest.TotalMilliseconds:0} ms");
}
