// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Admin.Internal;
using ScimSync.Atlassian;

namespace ScimSync.Admin.Pages;

/// <summary>
/// Atlassian Data Center targets: a reconciliation dry run that lists what it would change (and changes nothing), and
/// a real run started in the background.
/// </summary>
internal static class AtlassianPages
{
    public static IResult Show(ConsolePage page, HtmlText result = default, int status = StatusCodes.Status200OK)
    {
        var services = page.Context.RequestServices;
        var reconciler = services.GetService<AtlassianReconciler>();
        var runs = services.GetRequiredService<ConsoleRuns>();
        var targets = reconciler?.Targets ?? [];
        var sections = Html.Each(targets.Order(StringComparer.OrdinalIgnoreCase), target =>
        {
            var last = runs.Find("atlassian:" + target);
            var outcome = last switch
            {
                null => Html.Of($"<p>No reconciliation started from the console since the host started.</p>"),
                { Finished: null } => Html.Of($"<p>Reconciliation started {ConnectionPages.Date(last.Started)} by {last.Operator} is running.</p>"),
                { Error: { } error } => Html.Of($"<p class=\"alert error\">Reconciliation started {ConnectionPages.Date(last.Started)} failed: {error}</p>"),
                { Result: AtlassianReconciliationReport report } => Report(report, $"Run started {ConnectionPages.Date(last.Started)} by {last.Operator}"),
                _ => HtmlText.Empty,
            };
            return Html.Of($"""
                <section class="source" aria-labelledby="t-{target}">
                <h2 id="t-{target}">{target}</h2>
                <div class="actions">
                {page.Form(page.Route.Path("atlassian", target, "dry-run"), Controls.Button("Dry run", $"Dry run of {target}", "secondary"), "inline", $"Dry run of {target}")}
                {page.Form(page.Route.Path("atlassian", target, "run"), Controls.Button("Reconcile now", $"Reconcile {target} now"), "inline", $"Reconcile {target} now")}
                </div>
                <h3>Last run</h3>
                {outcome}
                </section>
                """);
        });
        return page.Render("Atlassian", "atlassian", Html.Of($"""
            <h1>Atlassian targets</h1>
            <p>Reconciliation compares the users, groups, memberships, default groups and project and component leads ScimSync holds with what the product has, and repairs the difference. A dry run lists the changes without making them.</p>
            {result}
            {(targets.Count == 0
                ? Html.Of($"<p class=\"alert warn\">No Atlassian target is configured. Add one with <code>scim.AddJiraTarget(...)</code>, <code>AddConfluenceTarget(...)</code> or <code>AddBitbucketTarget(...)</code>.</p>")
                : sections)}
            """), status);
    }

    public static async Task<IResult> DryRunAsync(ConsolePage page, string target, CancellationToken cancellationToken)
    {
        if (page.Context.RequestServices.GetService<AtlassianReconciler>() is not { } reconciler || !reconciler.Targets.Contains(target, StringComparer.OrdinalIgnoreCase))
        {
            return ConnectionPages.NotFound(page, target);
        }

        Log.ActionRun(page.Logger(), page.Operator(), "Atlassian dry run", target);
        var report = await reconciler.RunAsync(target, dryRun: true, cancellationToken).ConfigureAwait(false);
        return Show(page, Html.Of($"""
            <section class="result" aria-labelledby="dry-title">
            <h2 id="dry-title">Dry run of {target}</h2>
            {Report(report, "Nothing was changed")}
            </section>
            """));
    }

    public static IResult Run(ConsolePage page, string target)
    {
        if (page.Context.RequestServices.GetService<AtlassianReconciler>() is not { } reconciler || !reconciler.Targets.Contains(target, StringComparer.OrdinalIgnoreCase))
        {
            return ConnectionPages.NotFound(page, target);
        }

        var started = page.Context.RequestServices.GetRequiredService<ConsoleRuns>().TryStart(
            "atlassian:" + target,
            page.Operator(),
            async ct => await reconciler.RunAsync(target, dryRun: false, ct).ConfigureAwait(false));
        return Show(page, started
            ? Controls.Status($"Reconciliation of {target} started. Reload this page to see its outcome.")
            : Html.Of($"<div class=\"alert warn\" role=\"alert\">A reconciliation of {target} is still running.</div>"));
    }

    private static HtmlText Report(AtlassianReconciliationReport report, string heading)
    {
        var changes = Html.Each(report.Changes.Take(1000), c => Html.Of($"<tr><td>{c.Kind}</td><td>{c.Subject}</td><td>{c.Detail}</td></tr>"));
        return Html.Of($"""
            <p role="status">{heading}: {report.UsersChecked} users and {report.GroupsChecked} groups checked, {report.Changes.Count} {(report.DryRun ? "changes to make" : "changes made")}{(report.Completed ? "." : "; the run did not complete.")}</p>
            {Html.If(report.Changes.Count > 0, Html.Of($"""
                <table><caption class="visually-hidden">Changes</caption>
                <thead><tr><th scope="col">Change</th><th scope="col">Subject</th><th scope="col">Detail</th></tr></thead>
                <tbody>{changes}</tbody></table>
                {Html.If(report.Changes.Count > 1000, Html.Of($"<p>The first 1,000 of {report.Changes.Count.ToString("N0", CultureInfo.InvariantCulture)} changes are shown.</p>"))}
                """))}
            {Html.If(report.Failures.Count > 0, Html.Of($"<details open><summary>{report.Failures.Count} failures</summary><ul>{Html.Each(report.Failures.Take(100), f => Html.Of($"<li>{f}</li>"))}</ul></details>"))}
            """);
    }
}
