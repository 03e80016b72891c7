// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>
/// A write the server acknowledged survives <c>kill -9</c> of the host: the sample host runs as a child process on a
/// temporary data directory, takes concurrent creates, is killed mid-stream and restarted on the same directory.
/// </summary>
public sealed partial class SqliteDurabilityTests : IDisposable
{
    private const string Token = "durability-test-token-0123456789abcdefghij";

    // Guards against a host that never starts; not an assertion about speed.
    private static readonly TimeSpan s_startupGuard = TimeSpan.FromMinutes(2);

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("scimsync-durability-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A killed host may leave a file handle closing; the temp directory is not worth failing over.
        }
    }

    [Fact]
    public async Task Create_HostKilledWhileWriting_EveryAcknowledgedUserSurvives()
    {
        var hostDll = LocateSampleHost();
        var acknowledged = new ConcurrentBag<string>();

        using (var host = await SampleHost.StartAsync(hostDll, _dataDirectory))
        {
            using var client = CreateClient();
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        var body = new JsonObject
                        {
                            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
                            ["userName"] = $"durable-{w}-{i}-{Guid.NewGuid():N}@example.com",
                        };
                        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/scim+json");
                        using var response = await client.PostAsync(new Uri(host.BaseUrl + "/Users"), content, stop.Token);
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            var created = JsonNode.Parse(await response.Content.ReadAsStringAsync(stop.Token))!;
                            acknowledged.Add(created["id"]!.GetValue<string>());
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        // In flight when the host died: never acknowledged, so nothing is owed.
                        return;
                    }
                }
            })).ToList();

            // Let writes flow for a while, then kill the host with requests still in flight. A loaded machine can take
            // long for the first acknowledgement (the host is cold), so the few seconds start counting from it.
            var firstWait = Stopwatch.StartNew();
            while (acknowledged.IsEmpty && firstWait.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }

            var pacing = Stopwatch.StartNew();
            while (acknowledged.Count < 300 && pacing.Elapsed < TimeSpan.FromSeconds(4))
            {
                await Task.Delay(50);
            }

            host.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        Assert.NotEmpty(acknowledged);

        using (var host = await SampleHost.StartAsync(hostDll, _dataDirectory))
        {
            using var client = CreateClient();
            var missing = new ConcurrentBag<string>();
            await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, cancellationToken) =>
            {
                using var response = await client.GetAsync(new Uri(host.BaseUrl + "/Users/" + id), cancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    missing.Add($"{id}: {(int)response.StatusCode}");
                }
            });

            Assert.Empty(missing);
        }
    }

    private static HttpClient CreateClient()
    {
        var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>Finds the sample host built next to this test (same configuration first), from the repository root.</summary>
    private static string LocateSampleHost()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ScimSync.sln")))
        {
            directory = directory.Parent;
        }

        Assert.True(directory is not null, $"No ScimSync.sln above {AppContext.BaseDirectory}.");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var bin = Path.Combine(directory!.FullName, "samples", "ScimSync.Samples.Host", "bin");
        var candidates = new[] { configuration, configuration == "Release" ? "Debug" : "Release" }
            .Select(c => Path.Combine(bin, c, "net10.0", "ScimSync.Samples.Host.dll"))
            .Where(File.Exists)
            .ToList();
        Assert.True(candidates.Count > 0, $"The sample host is not built under {bin}.");
        return candidates[0];
    }

    [GeneratedRegex(@"http://\S*/scim\S*", RegexOptions.CultureInvariant)]
    private static partial Regex ScimUrl();

    /// <summary>The sample host as a child process, with the SCIM base URL it printed.</summary>
    private sealed class SampleHost : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private SampleHost(Process process) => _process = process;

        public string BaseUrl { get; private set; } = string.Empty;

        public static async Task<SampleHost> StartAsync(string hostDll, string dataDirectory)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dataDirectory,
            };
            start.ArgumentList.Add(hostDll);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
            start.Environment["ScimSync__Token"] = Token;
            start.Environment["ScimSync__DataDirectory"] = dataDirectory;
            start.Environment["DOTNET_NOLOGO"] = "1";

            var host = new SampleHost(new Process { StartInfo = start });
            var baseUrl = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            host._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    baseUrl.TrySetException(new InvalidOperationException("The sample host exited before printing its SCIM URL:\n" + host.Output()));
                    return;
                }

                host.Append(e.Data);
                if (ScimUrl().Match(e.Data) is { Success: true } match)
                {
                    baseUrl.TrySetResult(match.Value.TrimEnd('/'));
                }
            };
            host._process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    host.Append(e.Data);
                }
            };
            host._process.Start();
            host._process.BeginOutputReadLine();
            host._process.BeginErrorReadLine();
            try
            {
                host.BaseUrl = await baseUrl.Task.WaitAsync(s_startupGuard);
            }
            catch
            {
                host.Dispose();
                throw;
            }

            return host;
        }

        /// <summary>Sends SIGKILL (on Linux) to the host and waits until it is gone.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private void Append(string line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }

        private string Output()
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }
}
