// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Admin.Internal;

/// <summary>
/// Labelled form controls. Each field's problems sit right after it, tied to it by <c>aria-describedby</c> and marked
/// <c>aria-invalid</c>, so screen readers announce them with the field.
/// </summary>
internal static class Controls
{
    public static HtmlText Text(string name, string label, string? value, FieldErrors? errors = null, string? hint = null, string type = "text", bool required = false, bool readOnly = false, string? autocomplete = null)
    {
        var problems = errors?.For(name) ?? [];
        var attributes = Html.Of($"{Flag(required, "required")}{Flag(readOnly, "readonly")}{Flag(problems.Count > 0, "aria-invalid=\"true\"")}{Described(name, hint, problems)}{(autocomplete is null ? HtmlText.Empty : Html.Of($" autocomplete=\"{autocomplete}\""))}");
        return Html.Of($"""
            <div class="field"><label for="{Id(name)}">{label}</label>
            <input id="{Id(name)}" name="{name}" type="{type}" value="{value}"{attributes}>
            {Hint(name, hint)}{Problems(name, problems)}</div>
            """);
    }

    public static HtmlText TextArea(string name, string label, string? value, FieldErrors? errors = null, string? hint = null, int rows = 4, bool readOnly = false)
    {
        var problems = errors?.For(name) ?? [];
        var attributes = Html.Of($"{Flag(readOnly, "readonly")}{Flag(problems.Count > 0, "aria-invalid=\"true\"")}{Described(name, hint, problems)}");
        return Html.Of($"""
            <div class="field"><label for="{Id(name)}">{label}</label>
            <textarea id="{Id(name)}" name="{name}" rows="{rows}" spellcheck="false"{attributes}>{value}</textarea>
            {Hint(name, hint)}{Problems(name, problems)}</div>
            """);
    }

    public static HtmlText Select(string name, string label, string? selected, IEnumerable<(string Value, string Label)> options, FieldErrors? errors = null, string? hint = null)
    {
        var problems = errors?.For(name) ?? [];
        var items = Html.Each(options, o => Html.Of($"<option value=\"{o.Value}\"{Flag(string.Equals(o.Value, selected, StringComparison.OrdinalIgnoreCase), "selected")}>{o.Label}</option>"));
        return Html.Of($"""
            <div class="field"><label for="{Id(name)}">{label}</label>
            <select id="{Id(name)}" name="{name}"{Flag(problems.Count > 0, "aria-invalid=\"true\"")}{Described(name, hint, problems)}>{items}</select>
            {Hint(name, hint)}{Problems(name, problems)}</div>
            """);
    }

    public static HtmlText EnumSelect<T>(string name, string label, T selected, FieldErrors? errors = null, string? hint = null)
        where T : struct, Enum =>
        Select(name, label, selected.ToString(), Enum.GetNames<T>().Select(n => (n, n)), errors, hint);

    /// <summary>A text input without a visible label (a table cell), named for assistive technology by <paramref name="accessibleName"/>.</summary>
    public static HtmlText BareText(string name, string accessibleName, string? value) =>
        Html.Of($"<input id=\"{Id(name)}\" name=\"{name}\" type=\"text\" value=\"{value}\" aria-label=\"{accessibleName}\">");

    /// <summary>A select without a visible label (a table cell).</summary>
    public static HtmlText EnumSelectValue(string name, string accessibleName, string? selected, IEnumerable<string> values) =>
        Html.Of($"<select id=\"{Id(name)}\" name=\"{name}\" aria-label=\"{accessibleName}\">{Html.Each(values, v => Html.Of($"<option{Flag(string.Equals(v, selected, StringComparison.OrdinalIgnoreCase), "selected")}>{v}</option>"))}</select>");

    public static HtmlText Checkbox(string name, string label, bool value, string? hint = null)
    {
        return Html.Of($"""
            <div class="field check"><input id="{Id(name)}" name="{name}" type="checkbox" value="true"{Flag(value, "checked")}{Described(name, hint, [])}>
            <label for="{Id(name)}">{label}</label>{Hint(name, hint)}</div>
            """);
    }

    /// <summary>A button; <paramref name="accessibleName"/> overrides its text for assistive technology (for example "Revoke 2026-11").</summary>
    public static HtmlText Button(string text, string? accessibleName = null, string kind = "primary", string? name = null, string? value = null) =>
        Html.Of($"<button type=\"submit\" class=\"{kind}\"{(accessibleName is null ? HtmlText.Empty : Html.Of($" aria-label=\"{accessibleName}\""))}{(name is null ? HtmlText.Empty : Html.Of($" name=\"{name}\" value=\"{value}\""))}>{text}</button>");

    /// <summary>The problems that belong to no field, at the top of a form.</summary>
    public static HtmlText Summary(FieldErrors errors)
    {
        if (!errors.Any)
        {
            return HtmlText.Empty;
        }

        return Html.Of($"""
            <div class="alert error" role="alert"><p>Nothing was saved. Please correct the problems below.</p>
            {Html.If(errors.General.Count > 0, Html.Of($"<ul>{Html.Each(errors.General, p => Html.Of($"<li>{p}</li>"))}</ul>"))}</div>
            """);
    }

    /// <summary>A success or information message, announced politely.</summary>
    public static HtmlText Status(string? message) =>
        message is null ? HtmlText.Empty : Html.Of($"<div class=\"alert ok\" role=\"status\">{message}</div>");

    public static string Id(string name) => "f-" + name.Replace('[', '-').Replace(']', '-').Replace('.', '-');

    private static HtmlText Flag(bool on, string attribute) => on ? new HtmlText(" " + attribute) : HtmlText.Empty;

    private static HtmlText Described(string name, string? hint, IReadOnlyList<string> problems)
    {
        var ids = new List<string>();
        if (hint is not null)
        {
            ids.Add(Id(name) + "-hint");
        }

        if (problems.Count > 0)
        {
            ids.Add(Id(name) + "-error");
        }

        return ids.Count == 0 ? HtmlText.Empty : Html.Of($" aria-describedby=\"{string.Join(' ', ids)}\"");
    }

    private static HtmlText Hint(string name, string? hint) =>
        hint is null ? HtmlText.Empty : Html.Of($"<p class=\"hint\" id=\"{Id(name)}-hint\">{hint}</p>");

    private static HtmlText Problems(string name, IReadOnlyList<string> problems) =>
        problems.Count == 0
            ? HtmlText.Empty
            : Html.Of($"<p class=\"problem\" id=\"{Id(name)}-error\">{string.Join(" ", problems)}</p>");
}
