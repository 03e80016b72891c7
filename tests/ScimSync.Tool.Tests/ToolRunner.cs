// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.CommandLine;
using Spectre.Console;

namespace ScimSync.Tool.Tests;

/// <summary>Runs one tool command as the command line would, with its report captured as plain text.</summary>
internal static class ToolRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(Func<IAnsiConsole, Command> create, params string[] args)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 240;
        var root = new RootCommand { create(console) };
        var exitCode = await root.Parse(args).InvokeAsync();
        return (exitCode, writer.ToString());
    }
}
