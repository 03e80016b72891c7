// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace ScimSync.Server.Tests.Samples;

/// <summary>
/// A sample host (samples/&lt;name&gt;, built beside the tests) running as a child process on a free 127.0.0.1 port,
/// as a reader of the README starts it; ready once it has printed its <c>Secret Token:</c> line.
/// </summary>
internal sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _baseUrl;

    private SampleProcess(Process process, string baseUrl, string output)
    {
        _process = process;
        _baseUrl = baseUrl;
        Output = output;
    }

    /// <summary>What the host printed up to and including its token.</summary>
    public string Output { get; }

    /// <summary>The SCIM base URL of connection <c>default</c>, with a trailing slash.</summary>
    public Uri BaseUrl => new(_baseUrl);

    public string PrintedToken => Output.Split('\n').Single(l => l.StartsWith("Secret Token:", StringComparison.Ordinal))["Secret Token:".Length..].Trim();

    /// <summary>Gets the value printed after <paramref name="label"/> at the start of a line (the last such line).</summary>
    public string Printed(string label) => Output.Split('\n').Last(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Trim();

    /// <summary>
    /// Starts <paramref name="sample"/> (for example <c>ScimSync.Samples.Host</c>) in <paramref name="workingDirectory"/>,
    /// with <paramref name="arguments"/> after <c>--urls</c>; ready once it has printed <paramref name="tokens"/> tokens.
    /// <see cref="BaseUrl"/> is that of <paramref name="connection"/>.
    /// </summary>
    public static async Task<SampleProcess> StartAsync(
        string sample,
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        IReadOnlyList<string>? arguments = null,
        int tokens = 1,
        string connection = "default")
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(SampleAssembly(sample));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();

        // The hosts print the token last; a guard, not a timing assertion, in case one never starts.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = new System.Text.StringBuilder();
        while (await process.StandardOutput.ReadLineAsync(guard.Token) is { } line)
        {
            output.AppendLine(line);
            if (line.StartsWith("Secret Token:", StringComparison.Ordinal) && --tokens == 0)
            {
                return new SampleProcess(process, $"http://127.0.0.1:{port}/scim/{connection}/v2/", output.ToString());
            }
        }

        throw new InvalidOperationException($"{sample} exited before printing its token:\n" + output);
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

    /// <summary>The output directory of a sample (its appsettings.json is there).</summary>
    public static string SampleDirectory(string sample) => Path.GetDirectoryName(SampleAssembly(sample))!;

    private static string SampleAssembly(string sample)
    {
        // tests/ScimSync.Server.Tests/bin/<Configuration>/<tfm>/ -> samples/<sample>/bin/<Configuration>/<tfm>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = output.Name;
        var configuration = output.Parent!.Name;
        var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(root, "samples", sample, "bin", configuration, tfm, sample + ".dll");
    }
}
