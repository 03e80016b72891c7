// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ScimSync.Admin.Internal;

/// <summary>Where the console is mapped and where the SCIM endpoints it links to are.</summary>
internal sealed record ConsoleRoute(string Prefix, string ScimPrefix)
{
    /// <summary>A console path, for example <c>Path("connections", name)</c>; segments are URL-escaped.</summary>
    public string Path(params string[] segments) =>
        Prefix + (segments.Length == 0 ? "/" : "/" + string.Join('/', segments.Select(Uri.EscapeDataString)));

    /// <summary>The SCIM base URL of a connection as the browser reached the host.</summary>
    public string BaseUrl(HttpRequest request, string connection) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}{ScimPrefix}/{Uri.EscapeDataString(connection)}/v2";
}

/// <summary>What a page being rendered needs: the request, the route, and a fresh anti-forgery token for its forms.</summary>
internal sealed class ConsolePage(HttpContext context, ConsoleRoute route)
{
    private AntiforgeryTokenSet? _tokens;

    public HttpContext Context { get; } = context;

    public ConsoleRoute Route { get; } = route;

    /// <summary>The login last posted to a "test user" form, to show it again with the result.</summary>
    public string? PostedLogin { get; set; }

    /// <summary>The signed-in operator's name, for the log of console actions.</summary>
    public string Operator() => Context.User.Identity?.Name ?? "an operator";

    public ILogger Logger() => Context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ScimSync.Admin");

    public ScimAdminOptions Options => Context.RequestServices.GetRequiredService<IOptions<ScimAdminOptions>>().Value;

    /// <summary>The hidden anti-forgery field every form carries.</summary>
    public HtmlText Antiforgery()
    {
        _tokens ??= Context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(Context);
        return Html.Of($"<input type=\"hidden\" name=\"{_tokens.FormFieldName}\" value=\"{_tokens.RequestToken}\">");
    }

    /// <summary>A form posting to <paramref name="action"/>, with the anti-forgery field.</summary>
    public HtmlText Form(string action, HtmlText body, string? cssClass = null, string? label = null) =>
        Html.Of($"<form method=\"post\" action=\"{action}\"{Attribute("class", cssClass)}{Attribute("aria-label", label)}>{Antiforgery()}{body}</form>");

    /// <summary>Renders a whole page: the layout around <paramref name="main"/>, with headers that keep it private.</summary>
    public IResult Render(string title, string section, HtmlText main, int status = StatusCodes.Status200OK)
    {
        var nav = Html.Each(
            new[]
            {
                ("connections", "Connections", Route.Path("connections")),
                ("sync", "Directory sync", Route.Path("sync")),
                ("atlassian", "Atlassian", Route.Path("atlassian")),
                ("log", "Provisioning log", Route.Path("log")),
                ("preview", "Preview", Route.Path("preview")),
            },
            item => Html.Of($"<li><a href=\"{item.Item3}\"{(item.Item1 == section ? new HtmlText(" aria-current=\"page\"") : HtmlText.Empty)}>{item.Item2}</a></li>"));
        var product = Options.Title;
        var user = Context.User.Identity?.Name;
        var page = Html.Of($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · {product}</title>
            <link rel="stylesheet" href="{Route.Path("assets", "console.css")}">
            <script src="{Route.Path("assets", "console.js")}" defer></script>
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header class="top">
            <span class="product">{product} <small>operator console</small></span>
            {Html.If(user is not null, Html.Of($"<span class=\"user\">Signed in as {user}</span>"))}
            {(Options.SignOutPath is { } signOut ? Form(signOut, Controls.Button("Sign out", kind: "secondary"), "inline", "Sign out") : HtmlText.Empty)}
            <nav aria-label="Console"><ul>{nav}</ul></nav>
            </header>
            <main id="main" tabindex="-1">
            {main}
            </main>
            </body>
            </html>
            """);
        return new HtmlResult(page, status);
    }

    private static HtmlText Attribute(string name, string? value) =>
        value is null ? HtmlText.Empty : Html.Of($" {new HtmlText(name)}=\"{value}\"");
}

/// <summary>Writes a page with the console's security headers.</summary>
internal sealed class HtmlResult(HtmlText html, int status) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        ConsoleHeaders.Apply(response);
        return response.WriteAsync(html.Value, Encoding.UTF8);
    }
}

/// <summary>Headers on every console response: never cached (tokens are shown once), never framed, scripts only from the console.</summary>
internal static class ConsoleHeaders
{
    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }
}

/// <summary>Problems found in a posted form, by field name, plus those that belong to no field.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.OrdinalIgnoreCase);

    public List<string> General { get; } = [];

    public bool Any => General.Count > 0 || _byField.Count > 0;

    public void Add(string? field, string problem)
    {
        if (field is null)
        {
            General.Add(problem);
            return;
        }

        if (!_byField.TryGetValue(field, out var list))
        {
            _byField[field] = list = [];
        }

        list.Add(problem);
    }

    public IReadOnlyList<string> For(string field) => _byField.TryGetValue(field, out var list) ? list : [];

    /// <summary>
    /// Files the problems of the server's configuration validation under the form's fields: each problem names its
    /// setting (<c>...Policies.GroupMapping:Include[0]: ...</c>), and <paramref name="fields"/> maps setting prefixes
    /// (after <c>Policies.</c>) to field names; the longest matching prefix wins, and unmatched problems are general.
    /// </summary>
    public void AddSettingProblems(IEnumerable<string> problems, IReadOnlyList<(string Setting, string Field)> fields)
    {
        foreach (var problem in problems)
        {
            var at = problem.IndexOf("Policies.", StringComparison.Ordinal);
            var setting = at < 0 ? problem : problem[(at + "Policies.".Length)..];
            var match = fields
                .Where(f => setting.StartsWith(f.Setting, StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(f => f.Setting.Length)
                .FirstOrDefault();
            if (match.Field is null)
            {
                Add(null, setting);
                continue;
            }

            Add(match.Field, Sentence(setting, match.Setting.Length));
        }
    }

    /// <summary>
    /// The problem as shown next to its field: without the setting path the field already names, and with a line
    /// number for one-per-line fields ("GroupMapping:Include[0]: '([' is not ..." becomes "Line 1: '([' is not ...").
    /// </summary>
    private static string Sentence(string setting, int prefixLength)
    {
        var rest = setting[prefixLength..];
        var line = "";
        if (rest.StartsWith('[') && rest.IndexOf(']', StringComparison.Ordinal) is > 1 and var close &&
            int.TryParse(rest.AsSpan(1, close - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            line = string.Create(CultureInfo.InvariantCulture, $"Line {index + 1}: ");
            rest = rest[(close + 1)..];
        }

        var colon = rest.IndexOf(": ", StringComparison.Ordinal);
        var text = colon >= 0 && rest[..colon].All(c => c is ':' or '.' or '[' or ']' or '_' || char.IsLetterOrDigit(c)) ? rest[(colon + 2)..] : rest.TrimStart(':', ' ');
        return line + (text.Length > 0 ? char.ToUpperInvariant(text[0]) + text[1..] : setting);
    }
}

/// <summary>Reads a posted form.</summary>
internal sealed class PostedForm(IFormCollection form)
{
    public string Text(string name) => form[name].ToString().Trim();

    public string? OptionalText(string name) => Text(name) is { Length: > 0 } text ? text : null;

    public bool Checked(string name) => form.ContainsKey(name) && form[name].ToString() is not ("" or "false" or "off");

    /// <summary>Non-empty lines (trimmed), for one-per-line text areas.</summary>
    public List<string> Lines(string name) =>
        [.. Text(name).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

    /// <summary>Comma- or line-separated items (trimmed, non-empty).</summary>
    public List<string> Items(string name) =>
        [.. Text(name).Split([',', '\n']).Select(l => l.Trim()).Where(l => l.Length > 0)];

    public T Enum<T>(string name, T fallback, FieldErrors errors)
        where T : struct, Enum
    {
        var text = Text(name);
        if (text.Length == 0)
        {
            return fallback;
        }

        if (System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(text, out _))
        {
            return value;
        }

        errors.Add(name, $"'{text}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}.");
        return fallback;
    }

    public int Int(string name, int fallback, FieldErrors errors, int min = 0)
    {
        var text = Text(name);
        if (text.Length == 0)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min)
        {
            return value;
        }

        errors.Add(name, $"Enter a whole number of at least {min}.");
        return fallback;
    }

    public double Number(string name, double fallback, FieldErrors errors, double min, double max)
    {
        var text = Text(name);
        if (text.Length == 0)
        {
            return fallback;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(name, string.Create(CultureInfo.InvariantCulture, $"Enter a number from {min} to {max}."));
        return fallback;
    }
}
