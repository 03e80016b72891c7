// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace ScimSync.Admin.BrowserTests.Infrastructure;

/// <summary>
/// The sample host (samples/ScimSync.Samples.Host, built with these tests) as a child process on a free 127.0.0.1 port,
/// with a random SCIM token, a random admin key and a fresh data directory; ready once its ServiceProviderConfig
/// answers. Its stdout and stderr are kept for <see cref="Output"/>.
/// </summary>
public sealed class SampleHostProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private SampleHostProcess(Process process, StringBuilder output, Uri baseAddress, string token, string adminKey, string dataDirectory)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
        Token = token;
        AdminKey = adminKey;
        DataDirectory = dataDirectory;
    }

    /// <summary>Gets the host's root, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the origin (scheme, host and port, no slash), for browser permissions.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    /// <summary>Gets the bearer token of connection <c>default</c> (<c>ScimSync__Token</c>).</summary>
    public string Token { get; }

    /// <summary>Gets the operator console's sign-in key (<c>ScimSync__AdminKey</c>).</summary>
    public string AdminKey { get; }

    /// <summary>Gets the host's data directory (deleted on dispose).</summary>
    public string DataDirectory { get; }

    /// <summary>Gets what the host wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Gets the built sample host assembly, recorded by the project file at build time.</summary>
    public static string AssemblyPath { get; } =
        typeof(SampleHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "SampleHostAssembly").Value
        ?? throw new InvalidOperationException("The SampleHostAssembly metadata is empty.");

    /// <summary>Starts the host and waits until its SCIM endpoint answers.</summary>
    public static async Task<SampleHostProcess> StartAsync()
    {
        if (!File.Exists(AssemblyPath))
        {
            throw new InvalidOperationException($"The sample host is not built at {AssemblyPath}.");
        }

        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var token = RandomHex(20);
        var adminKey = RandomHex(16);
        var dataDirectory = Directory.CreateTempSubdirectory("scimsync-browser-").FullName;

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Its content root: appsettings.json (the default connection's policies) is read from there.
            WorkingDirectory = Path.GetDirectoryName(AssemblyPath)!,
        };
        start.ArgumentList.Add(AssemblyPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.GetLeftPart(UriPartial.Authority));
        start.Environment["ScimSync__Token"] = token;
        start.Environment["ScimSync__DataDirectory"] = dataDirectory;
        start.Environment["ScimSync__AdminKey"] = adminKey;

        var output = new StringBuilder();
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new SampleHostProcess(process, output, baseAddress, token, adminKey, dataDirectory);
        try
        {
            await host.WaitUntilReadyAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client for the SCIM endpoints with <paramref name="token"/> as bearer token.</summary>
    public HttpClient CreateScimClient(string token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(guard.Token);
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is harmless; a failing dispose would hide the test's own result.
            }
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = CreateScimClient(Token);
        client.Timeout = TimeSpan.FromSeconds(5);
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The sample host exited with code {_process.ExitCode} before answering:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync("scim/default/v2/ServiceProviderConfig");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = new HttpRequestException($"ServiceProviderConfig answered {(int)response.StatusCode}.");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e;
            }

            // Polling a child process that is starting up: there is no event to wait on.
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        throw new TimeoutException($"The sample host did not answer within {ReadyTimeout.TotalSeconds} s ({last?.Message}):\n{Output}", last);
    }

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
