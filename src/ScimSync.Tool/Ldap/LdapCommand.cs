// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScimSync.Ldap;
using Spectre.Console;

namespace ScimSync.Tool.Ldap;

/// <summary><c>scimsync ldap test-user</c>: one user looked up through an LDAP source's own configuration.</summary>
internal static class LdapCommand
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <param name="console">Where the report goes (the terminal unless a test passes its own).</param>
    public static Command Create(IAnsiConsole? console = null)
    {
        var config = new Option<FileInfo>("--config")
        {
            Description = "The host's appsettings.json; the source is read from ScimSync:Ldap:{source} (environment variables such as ScimSync__Ldap__corp__Server__BindPassword override it).",
            Required = true,
        };
        var source = new Option<string>("--source") { Description = "The LDAP source (connection) name.", Required = true };
        var user = new Option<string>("--user") { Description = "The login to look up (sAMAccountName or uid, as the source's profile maps userName).", Required = true };
        var testUser = new Command("test-user", "Look one user up in an LDAP source and show its attributes, the SCIM user ScimSync maps from it and what the connection's policies would do. Writes nothing.")
        {
            config, source, user,
        };
        testUser.SetAction((result, cancellationToken) =>
            TestUserAsync(console ?? AnsiConsole.Console, result.GetValue(config)!, result.GetValue(source)!, result.GetValue(user)!, cancellationToken));

        return new Command("ldap", "LDAP directory sources (ScimSync.Ldap).") { testUser };
    }

    private static async Task<int> TestUserAsync(IAnsiConsole console, FileInfo file, string source, string login, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            console.MarkupLine($"[red]{Markup.Escape(file.FullName)} does not exist.[/]");
            return 2;
        }

        var configuration = new ConfigurationBuilder().AddJsonFile(file.FullName, optional: false).AddEnvironmentVariables().Build();
        var sources = configuration.GetSection(LdapScimProvisioningBuilderExtensions.ConfigurationSection);
        if (!sources.GetSection(source).Exists())
        {
            var known = sources.GetChildren().Select(s => s.Key).ToList();
            console.MarkupLine($"[red]No section {LdapScimProvisioningBuilderExtensions.ConfigurationSection}:{Markup.Escape(source)} in {Markup.Escape(file.Name)}[/]" +
                (known.Count == 0 ? "." : $" (sources: {Markup.Escape(string.Join(", ", known))})."));
            return 2;
        }

        // The host's connections and policies, over an empty in-memory store: the preview shows what a first sync
        // would do, and nothing reaches the host's real store.
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddScimProvisioning(scim => scim
            .BindConfiguration()
            .AddInMemoryStore()
            .AddLdapSource(source, _ => { }));
        await using var provider = services.BuildServiceProvider();

        LdapUserTest test;
        try
        {
            var options = provider.GetRequiredService<IOptionsMonitor<LdapSourceOptions>>().Get(source);
            console.MarkupLine($"Source [bold]{Markup.Escape(source)}[/]: {Markup.Escape(options.Server.Host)}:{options.Server.Port} ({options.Server.Security}, profile {options.Profile}), users under {Markup.Escape(string.Join("; ", options.UserBaseDns))}");
            test = await provider.GetRequiredService<LdapSynchronizer>().TestUserAsync(source, login, cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            console.MarkupLine("[red]The configuration is not valid:[/]");
            foreach (var failure in e.Failures)
            {
                console.MarkupLine("  " + Markup.Escape(failure));
            }

            return 2;
        }

        if (test.Error is { } error)
        {
            console.MarkupLine($"[red]{Markup.Escape(error)}[/]");
            return 1;
        }

        if (!test.Found)
        {
            console.MarkupLine($"[yellow]No user with the login '{Markup.Escape(login)}' matches the source's user filter under its base DNs.[/]");
            return 1;
        }

        console.MarkupLine($"[green]Found[/] {Markup.Escape(test.DistinguishedName ?? string.Empty)}");
        var attributes = new Table().Border(TableBorder.Rounded).Title("LDAP attributes");
        attributes.AddColumn("attribute");
        attributes.AddColumn("values");
        foreach (var (name, values) in test.Attributes)
        {
            attributes.AddRow(Markup.Escape(name), Markup.Escape(string.Join("\n", values)));
        }

        console.Write(attributes);
        console.Write(new Panel(new Text(test.User?.ToJsonString(s_indented) ?? "(none)")).Header("SCIM user (as mapped by the source's profile)"));

        if (test.Preview is { } preview)
        {
            var table = new Table().Border(TableBorder.Rounded).HideHeaders().Title("Policies of the connection (as for a first sync)");
            table.AddColumn("");
            table.AddColumn("");
            table.AddRow("action", Markup.Escape(preview.Action));
            if (preview.Target is { } target)
            {
                table.AddRow("userName", Markup.Escape(target.UserName ?? "(none)"));
                table.AddRow("email", Markup.Escape(target.Email ?? "(none)"));
                table.AddRow("displayName", Markup.Escape(target.DisplayName ?? "(none)"));
                foreach (var (name, value) in target.CustomAttributes)
                {
                    table.AddRow(Markup.Escape("custom: " + name), Markup.Escape(value));
                }
            }

            table.AddRow("groups joined", Markup.Escape(preview.GroupsJoined.Count == 0 ? "(none)" : string.Join(", ", preview.GroupsJoined)));
            foreach (var decision in preview.Decisions)
            {
                table.AddRow(Markup.Escape("decision: " + decision.Policy), Markup.Escape($"{decision.Subject}: {decision.Reason}"));
            }

            if (preview.Error is { } refused)
            {
                table.AddRow("error", Markup.Escape($"{refused.Status} {refused.ScimType} {refused.Detail}"));
            }

            console.Write(table);
        }

        return 0;
    }
}
