// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using Spectre.Console;

namespace ScimSync.Tool.Load;

/// <summary>
/// The provisioning cycle Microsoft Entra ID runs on a new application, request for request: A1 look each user up by
/// <c>userName</c> and create it; A2 create the groups; A3 add members with PATCH <c>Add</c> in batches of 100; B read
/// each user, PATCH <c>Replace</c> of four attributes, and deactivate one in five with <c>"active":"False"</c>; C mixed
/// reads (lookups, groups without members, 100-item pages). Phases run one after the other; requests of a phase run
/// <see cref="LoadSettings.Concurrency"/> at a time.
/// </summary>
internal sealed class EntraCycle
{
    private const string MediaType = "application/scim+json";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private readonly HttpClient _client;
    private readonly LoadSettings _settings;
    private readonly string _run = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 4));
    private readonly string[] _userIds;
    private readonly string[] _groupIds;

    private EntraCycle(HttpClient client, LoadSettings settings)
    {
        _client = client;
        _settings = settings;
        _userIds = new string[settings.Users];
        _groupIds = new string[settings.Groups];
    }

    /// <summary>Runs the cycle once and returns each phase's figures.</summary>
    /// <param name="baseUrl">The SCIM base URL.</param>
    /// <param name="token">The bearer token.</param>
    /// <param name="settings">The size of the cycle.</param>
    /// <param name="label">What the progress display calls the run.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <param name="clearProgress">Whether the progress display is cleared when the run ends (warm-up cycles).</param>
    public static async Task<LoadReport> RunAsync(
        Uri baseUrl, string token, LoadSettings settings, string label, CancellationToken cancellationToken, bool clearProgress = false)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl.ToString().TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaType));
        var cycle = new EntraCycle(client, settings);
        var batches = settings.Groups * ((settings.Members + 99) / 100);
        var phases = new List<PhaseReport>();
        await AnsiConsole.Progress().AutoClear(clearProgress).StartAsync(async progress =>
        {
            async Task Phase(string name, int count, Func<int, Recorder, Task> operation)
            {
                var task = progress.AddTask($"{label}: {name}", maxValue: Math.Max(count, 1));
                phases.Add(await cycle.RunPhaseAsync(name, count, operation, task, cancellationToken).ConfigureAwait(false));
            }

            await Phase("A1 users: lookup+create", settings.Users, cycle.LookupAndCreateUserAsync).ConfigureAwait(false);
            await Phase("A2 groups: create", settings.Groups, cycle.CreateGroupAsync).ConfigureAwait(false);
            await Phase("A3 members: add 100", batches, cycle.AddMembersAsync).ConfigureAwait(false);
            await Phase("B users: read+change", settings.Users, cycle.ChangeUserAsync).ConfigureAwait(false);
            await Phase("C reads: mixed", settings.Users, cycle.ReadAsync).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return new LoadReport(baseUrl.ToString(), phases);
    }

    private async Task<PhaseReport> RunPhaseAsync(string name, int count, Func<int, Recorder, Task> operation, ProgressTask task, CancellationToken cancellationToken)
    {
        var recorder = new Recorder();
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = _settings.Concurrency, CancellationToken = cancellationToken }, async (i, _) =>
        {
            await operation(i, recorder).ConfigureAwait(false);
            task.Increment(1);
        }).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        task.StopTask();
        return recorder.ToReport(name, seconds);
    }

    private string UserName(int i) => string.Create(CultureInfo.InvariantCulture, $"load-{_run}-{i:D7}@example.com");

    private async Task LookupAndCreateUserAsync(int i, Recorder recorder)
    {
        var userName = UserName(i);
        await recorder.SendAsync(_client, HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString($"userName eq \"{userName}\""), null, HttpStatusCode.OK).ConfigureAwait(false);
        var body = $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{Enterprise}}"],
             "externalId":"ext-{{_run}}-{{i}}","userName":"{{userName}}","active":true,"displayName":"Load User {{i}}",
             "name":{"givenName":"Load","familyName":"User {{i}}","formatted":"Load User {{i}}"},
             "emails":[{"value":"{{userName}}","type":"work","primary":true}],
             "title":"Engineer","preferredLanguage":"en-US",
             "{{Enterprise}}":{"employeeNumber":"{{i}}","department":"Load {{i % 10}}"}
            }
            """;
        _userIds[i] = await recorder.SendAsync(_client, HttpMethod.Post, "Users", body, HttpStatusCode.Created, readId: true).ConfigureAwait(false) ?? string.Empty;
    }

    private async Task CreateGroupAsync(int g, Recorder recorder)
    {
        var body = $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"gext-{{_run}}-{{g}}","displayName":"load-{{_run}}-group-{{g}}","members":[]}""";
        _groupIds[g] = await recorder.SendAsync(_client, HttpMethod.Post, "Groups", body, HttpStatusCode.Created, readId: true).ConfigureAwait(false) ?? string.Empty;
    }

    private async Task AddMembersAsync(int batch, Recorder recorder)
    {
        var perGroup = (_settings.Members + 99) / 100;
        var group = batch / perGroup;
        var first = batch % perGroup * 100;
        var last = Math.Min(first + 100, _settings.Members);
        var values = new StringBuilder();
        for (var k = first; k < last; k++)
        {
            var user = _userIds[(group * _settings.Members + k) % _settings.Users];
            values.Append(values.Length == 0 ? string.Empty : ",").Append("{\"value\":\"").Append(user).Append("\"}");
        }

        var body = $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{{values}}]}]}""";
        await recorder.SendAsync(_client, HttpMethod.Patch, "Groups/" + _groupIds[group], body, HttpStatusCode.NoContent, alsoOk: true).ConfigureAwait(false);
    }

    private async Task ChangeUserAsync(int i, Recorder recorder)
    {
        var path = "Users/" + _userIds[i];
        await recorder.SendAsync(_client, HttpMethod.Get, path, null, HttpStatusCode.OK).ConfigureAwait(false);
        var body = $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
             {"op":"Replace","path":"displayName","value":"Changed User {{i}}"},
             {"op":"Replace","path":"title","value":"Senior Engineer"},
             {"op":"Replace","path":"emails[type eq \"work\"].value","value":"changed-{{UserName(i)}}"},
             {"op":"Replace","path":"{{Enterprise}}:department","value":"Changed {{i % 10}}"}]}
            """;
        await recorder.SendAsync(_client, HttpMethod.Patch, path, body, HttpStatusCode.OK, alsoOk: true).ConfigureAwait(false);
        if (i % 5 == 0)
        {
            const string Deactivate = """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}""";
            await recorder.SendAsync(_client, HttpMethod.Patch, path, Deactivate, HttpStatusCode.OK, alsoOk: true).ConfigureAwait(false);
        }
    }

    private Task ReadAsync(int i, Recorder recorder) => (i % 3) switch
    {
        0 => recorder.SendAsync(_client, HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString($"userName eq \"{UserName(i)}\""), null, HttpStatusCode.OK),
        1 when _groupIds.Length > 0 => recorder.SendAsync(_client, HttpMethod.Get, $"Groups/{_groupIds[i % _groupIds.Length]}?excludedAttributes=members", null, HttpStatusCode.OK),
        _ => recorder.SendAsync(_client, HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"Users?startIndex={i % Math.Max(1, _settings.Users / 100) * 100 + 1}&count=100"), null, HttpStatusCode.OK),
    };

    /// <summary>Sends requests and records their latency (microseconds) and failures, thread-safely.</summary>
    private sealed class Recorder
    {
        private readonly LongConcurrentHistogram _latency = new(1, 600_000_000, 3);
        private readonly List<string> _samples = [];
        private long _operations;
        private long _errors;

        public async Task<string?> SendAsync(HttpClient client, HttpMethod method, string path, string? body, HttpStatusCode expected, bool readId = false, bool alsoOk = false)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, MediaType);
            }

            var started = Stopwatch.GetTimestamp();
            string? id = null;
            string? failure = null;
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
                var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                if (response.StatusCode != expected && !(alsoOk && response.StatusCode == HttpStatusCode.OK))
                {
                    failure = $"{method} {path.Split('?')[0]} -> {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 200)))}";
                }
                else if (readId)
                {
                    using var json = JsonDocument.Parse(bytes);
                    id = json.RootElement.GetProperty("id").GetString();
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
                failure = $"{method} {path.Split('?')[0]} -> {e.GetType().Name}: {e.Message}";
            }

            _latency.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds));
            Interlocked.Increment(ref _operations);
            if (failure is not null)
            {
                Interlocked.Increment(ref _errors);
                lock (_samples)
                {
                    if (_samples.Count < 3)
                    {
                        _samples.Add(failure);
                    }
                }
            }

            return id;
        }

        public PhaseReport ToReport(string name, double seconds)
        {
            double Ms(double percentile) => _latency.TotalCount == 0 ? 0 : _latency.GetValueAtPercentile(percentile) / 1000.0;
            return new PhaseReport(
                name,
                _operations,
                _errors,
                seconds,
                seconds > 0 ? _operations / seconds : 0,
                Ms(50),
                Ms(95),
                Ms(99),
                _latency.TotalCount == 0 ? 0 : _latency.GetMaxValue() / 1000.0,
                [.. _samples]);
        }
    }
}
