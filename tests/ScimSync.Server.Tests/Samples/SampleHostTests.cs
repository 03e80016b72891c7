// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace ScimSync.Server.Tests.Samples;

/// <summary>Runs the sample host as a child process on 127.0.0.1, as the README's quick start does.</summary>
public sealed class SampleHostTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("scimsync-sample-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task SampleHost_CreateUserThenRestart_UserIsStillThere()
    {
        const string Token = "sample-test-token-0123456789abcdef";
        string id;
        await using (var host = await SampleProcess.StartAsync(_dataDirectory, Token))
        {
            Assert.Contains($"Secret Token:  {Token}", host.Output, StringComparison.Ordinal);
            using var client = host.Client(Token);
            var created = await client.PostAsync("Users", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"restart@example.com"}"""));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        }

        await using (var host = await SampleProcess.StartAsync(_dataDirectory, Token))
        {
            using var client = host.Client(Token);
            var read = await client.GetAsync($"Users/{id}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("restart@example.com", JsonNode.Parse(await read.Content.ReadAsStringAsync())!["userName"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task SampleHost_NoTokenConfigured_GeneratesOwnerOnlyTokenAndReusesIt()
    {
        string first;
        await using (var host = await SampleProcess.StartAsync(_dataDirectory, token: null))
        {
            first = host.PrintedToken;
            Assert.Equal(43, first.Length);
            using var client = host.Client(first);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Users")).StatusCode);
        }

        var tokenFile = Path.Combine(_dataDirectory, "scim-token");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        }

        await using (var host = await SampleProcess.StartAsync(_dataDirectory, token: null))
        {
            Assert.Equal(first, host.PrintedToken);
        }
    }

    private sealed class SampleProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _baseUrl;

        private SampleProcess(Process process, string baseUrl, string output)
        {
            _process = process;
            _baseUrl = baseUrl;
            Output = output;
        }

        public string Output { get; }

        public string PrintedToken => Output.Split('\n').Single(l => l.StartsWith("Secret Token:", StringComparison.Ordinal))["Secret Token:".Length..].Trim();

        public static async Task<SampleProcess> StartAsync(string dataDirectory, string? token)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dataDirectory,
            };
            start.ArgumentList.Add(SampleAssembly());
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
            start.Environment["ScimSync__DataDirectory"] = dataDirectory;
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            if (token is not null)
            {
                start.Environment["ScimSync__Token"] = token;
            }

            var process = Process.Start(start)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();

            // The host prints the token last; a guard, not a timing assertion, in case it never starts.
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var output = new System.Text.StringBuilder();
            while (await process.StandardOutput.ReadLineAsync(guard.Token) is { } line)
            {
                output.AppendLine(line);
                if (line.StartsWith("Secret Token:", StringComparison.Ordinal))
                {
                    return new SampleProcess(process, $"http://127.0.0.1:{port}/scim/default/v2/", output.ToString());
                }
            }

            throw new InvalidOperationException("The sample host exited before printing its token:\n" + output);
        }

        public HttpClient Client(string token)
        {
            var client = new HttpClient { BaseAddress = new Uri(_baseUrl) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static string SampleAssembly()
        {
            // tests/ScimSync.Server.Tests/bin/<Configuration>/<tfm>/ -> samples/ScimSync.Samples.Host/bin/<Configuration>/<tfm>/
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = output.Name;
            var configuration = output.Parent!.Name;
            var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "samples", "ScimSync.Samples.Host", "bin", configuration, tfm, "ScimSync.Samples.Host.dll");
        }
    }
}
