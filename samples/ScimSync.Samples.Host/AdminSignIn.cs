// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace ScimSync.Samples.Host;

/// <summary>
/// The sample's sign-in for the operator console: one admin key (printed on start, like the SCIM token), exchanged for
/// a cookie. A real host uses its own sign-in (OpenID Connect, Windows authentication, ...) and names its policy in
/// <c>MapScimAdmin</c>.
/// </summary>
internal static class AdminSignIn
{
    public const string Policy = "ScimOperators";
    private const string OperatorClaim = "scimsync:operator";
    private const string LoginPath = "/admin/login";

    public static void AddAdminSignIn(this IServiceCollection services)
    {
        #region console-policy
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = LoginPath;
            o.Cookie.Name = "scimsync-admin";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.RequireAuthenticatedUser().RequireClaim(OperatorClaim));
        #endregion
    }

    public static void MapAdminSignIn(this WebApplication app, string adminKey, string consolePath)
    {
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(adminKey));
        app.MapGet(LoginPath, (HttpContext context, IAntiforgery antiforgery) => Page(context, antiforgery, failed: false));
        app.MapPost(LoginPath, async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            var form = await context.Request.ReadFormAsync();
            var given = SHA256.HashData(Encoding.UTF8.GetBytes(form["key"].ToString()));
            if (!CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return Page(context, antiforgery, failed: true);
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(OperatorClaim, "true")], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(new ClaimsPrincipal(identity));
            var returnUrl = form["returnUrl"].ToString();
            return Results.LocalRedirect(returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : consolePath);
        });
        app.MapPost("/admin/logout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            await context.SignOutAsync();
            return Results.LocalRedirect(LoginPath);
        });
    }

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, bool failed)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var returnUrl = WebUtility.HtmlEncode(context.Request.Query["ReturnUrl"].ToString());
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in · ScimSync</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body style="font: 16px system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem">
            <main>
            <h1>ScimSync operator console</h1>
            {{(failed ? "<p role=\"alert\" style=\"color:#b42318\">That admin key is not right.</p>" : "")}}
            <form method="post" action="{{LoginPath}}">
            <input type="hidden" name="{{tokens.FormFieldName}}" value="{{WebUtility.HtmlEncode(tokens.RequestToken)}}">
            <input type="hidden" name="returnUrl" value="{{returnUrl}}">
            <p><label for="key">Admin key</label><br>
            <input id="key" name="key" type="password" required autocomplete="current-password" style="width: 100%; font: inherit"></p>
            <p><button type="submit">Sign in</button></p>
            </form>
            <p>The admin key is printed when the sample host starts (or set ScimSync__AdminKey).</p>
            </main></body></html>
            """, "text/html; charset=utf-8", statusCode: failed ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK);
    }
}
