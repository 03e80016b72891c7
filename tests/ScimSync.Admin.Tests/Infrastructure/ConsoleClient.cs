// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.TestHost;

namespace ScimSync.Admin.Tests.Infrastructure;

/// <summary>
/// A browser-like client of the console: keeps cookies, signs in by test headers, reads pages with AngleSharp and
/// posts forms with the anti-forgery field taken from the page.
/// </summary>
public sealed class ConsoleClient : IDisposable
{
    public const string Prefix = "/scim-admin";

    private static readonly HtmlParser s_parser = new();
    private readonly HttpClient _http;

    public ConsoleClient(TestServer server, string? user, string? role)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new CookieHandler(Cookies) { InnerHandler = server.CreateHandler() })
        {
            BaseAddress = new Uri("http://localhost"),
        };
        if (user is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Test-User", user);
        }

        if (role is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Test-Role", role);
        }
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http => _http;

    public static IHtmlDocument Parse(string html) => s_parser.ParseDocument(html);

    /// <summary>GETs a console page (path relative to the prefix, or absolute).</summary>
    public async Task<ConsoleResponse> GetAsync(string path)
    {
        using var response = await _http.GetAsync(Url(path));
        return await ConsoleResponse.ReadAsync(response);
    }

    /// <summary>POSTs fields as a form, without adding anything.</summary>
    public async Task<ConsoleResponse> PostRawAsync(string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        using var response = await _http.PostAsync(Url(path), content);
        return await ConsoleResponse.ReadAsync(response);
    }

    /// <summary>
    /// Submits the form of <paramref name="page"/> whose action is <paramref name="action"/>: its current fields
    /// (inputs, text areas, selects, checked boxes), changed by <paramref name="set"/> (a null value removes a field).
    /// </summary>
    public Task<ConsoleResponse> SubmitAsync(ConsoleResponse page, string action, IEnumerable<KeyValuePair<string, string?>>? set = null) =>
        SubmitAsync(page.Form(action), set);

    /// <summary>Submits <paramref name="form"/> with its current fields changed by <paramref name="set"/>.</summary>
    public Task<ConsoleResponse> SubmitAsync(IElement form, IEnumerable<KeyValuePair<string, string?>>? set = null)
    {
        var fields = FormFields(form);
        foreach (var (name, value) in set ?? [])
        {
            fields.RemoveAll(f => f.Key == name);
            if (value is not null)
            {
                fields.Add(new(name, value));
            }
        }

        return PostRawAsync(form.GetAttribute("action")!, fields);
    }

    /// <summary>GETs <paramref name="pagePath"/> and submits its form posting to <paramref name="action"/>.</summary>
    public async Task<ConsoleResponse> SubmitAsync(string pagePath, string action, params (string Name, string? Value)[] set)
    {
        var page = await GetAsync(pagePath);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await SubmitAsync(page, action, set.Select(s => new KeyValuePair<string, string?>(s.Name, s.Value)));
    }

    /// <summary>Field changes for <see cref="SubmitAsync(IElement, IEnumerable{KeyValuePair{string, string}})"/>; a null value removes the field.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Set(params (string Name, string? Value)[] set) =>
        set.Select(s => new KeyValuePair<string, string?>(s.Name, s.Value));

    public static List<KeyValuePair<string, string>> FormFields(IElement form)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.QuerySelectorAll("input, textarea, select"))
        {
            var name = element.GetAttribute("name");
            if (name is null)
            {
                continue;
            }

            switch (element)
            {
                case IHtmlInputElement input when input.Type is "checkbox" or "radio":
                    if (input.IsChecked)
                    {
                        fields.Add(new(name, input.Value));
                    }

                    break;
                case IHtmlInputElement input when input.Type is "submit" or "button":
                    break;
                case IHtmlInputElement input:
                    fields.Add(new(name, input.Value));
                    break;
                case IHtmlTextAreaElement area:
                    fields.Add(new(name, area.Value));
                    break;
                case IHtmlSelectElement select:
                    fields.Add(new(name, select.Value ?? ""));
                    break;
            }
        }

        return fields;
    }

    public static string Url(string path) => path.StartsWith('/') ? path : Prefix + "/" + path;

    public void Dispose() => _http.Dispose();

    /// <summary>Keeps cookies across requests (TestServer's handler has no cookie container).</summary>
    private sealed class CookieHandler(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var header = cookies.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                foreach (var value in values)
                {
                    cookies.SetCookies(request.RequestUri!, value);
                }
            }

            return response;
        }
    }
}

/// <summary>A console response: status, headers, raw HTML and its parsed document.</summary>
public sealed class ConsoleResponse
{
    private ConsoleResponse(HttpStatusCode status, string html, System.Net.Http.Headers.HttpResponseHeaders headers, System.Net.Http.Headers.HttpContentHeaders? contentHeaders)
    {
        Status = status;
        Html = html;
        Headers = headers;
        ContentHeaders = contentHeaders;
        Document = ConsoleClient.Parse(html);
    }

    public HttpStatusCode Status { get; }

    public string Html { get; }

    public IHtmlDocument Document { get; }

    public System.Net.Http.Headers.HttpResponseHeaders Headers { get; }

    public System.Net.Http.Headers.HttpContentHeaders? ContentHeaders { get; }

    public Uri? Location => Headers.Location;

    public static async Task<ConsoleResponse> ReadAsync(HttpResponseMessage response) =>
        new(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, response.Content.Headers);

    /// <summary>The form whose action is (or ends with) <paramref name="action"/>.</summary>
    public IElement Form(string action)
    {
        var url = ConsoleClient.Url(action);
        var forms = Document.QuerySelectorAll("form").Where(f => f.GetAttribute("action") == url).ToList();
        Assert.True(forms.Count == 1, $"Expected one form posting to {url}, found {forms.Count}. Page ({Status}):\n{Html}");
        return forms[0];
    }

    /// <summary>The text of the element with <paramref name="id"/>, failing when there is none.</summary>
    public string TextOf(string id)
    {
        var element = Document.GetElementById(id);
        Assert.True(element is not null, $"No element #{id} in the page ({Status}):\n{Html}");
        return element.TextContent;
    }

    /// <summary>The form with the accessible name <paramref name="label"/> (its aria-label).</summary>
    public IElement FormLabelled(string label)
    {
        var forms = Document.QuerySelectorAll("form").Where(f => f.GetAttribute("aria-label") == label).ToList();
        Assert.True(forms.Count == 1, $"Expected one form labelled {label}, found {forms.Count}. Page ({Status}):\n{Html}");
        return forms[0];
    }

    public string MainText => Document.QuerySelector("main")?.TextContent ?? Document.Body?.TextContent ?? "";

    public override string ToString() => $"{(int)Status} {Html}";
}
