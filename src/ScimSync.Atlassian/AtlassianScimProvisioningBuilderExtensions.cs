// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using ScimSync.Atlassian;
using ScimSync.Atlassian.Internal;
using ScimSync.Atlassian.State;
using ScimSync.Server;
using ScimSync.Stores;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Atlassian Data Center targets.</summary>
public static class AtlassianScimProvisioningBuilderExtensions
{
    /// <summary>The configuration section of a target's options: <c>ScimSync:Atlassian:{target}</c>.</summary>
    public const string ConfigurationSection = "ScimSync:Atlassian";

    /// <summary>The configuration key of the directory where the default state store keeps links and outboxes.</summary>
    public const string StateDirectoryKey = "ScimSync:AtlassianStateDirectory";

    private const string HttpClientPrefix = "ScimSync.Atlassian.";

    /// <summary>
    /// Adds target <paramref name="name"/>: the users and groups of its <see cref="AtlassianTargetOptions.Directory"/>
    /// are written to an Atlassian product, whichever connection (SCIM, LDAP, in process) changes them. Registers the
    /// target's options (bound from <c>ScimSync:Atlassian:{name}</c>, then changed by <paramref name="configure"/>,
    /// validated at start), an <see cref="HttpClient"/> with retries (backoff, honouring <c>Retry-After</c>),
    /// timeouts and a circuit breaker, the state store (a <see cref="SqliteAtlassianTargetState"/> in
    /// <c>ScimSync:AtlassianStateDirectory</c>, by default <c>{LocalApplicationData}/ScimSync/atlassian</c>; register
    /// another <see cref="IAtlassianTargetState"/> to replace it), the outbox worker and
    /// <see cref="AtlassianReconciler"/>.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="name">The target's name.</param>
    /// <param name="configure">Sets the target's options, or <see langword="null"/> to use configuration only.</param>
    /// <returns>The builder.</returns>
    public static ScimProvisioningBuilder AddAtlassianTarget(this ScimProvisioningBuilder builder, string name, Action<AtlassianTargetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var services = builder.Services;
        services.AddSingleton(new AtlassianTargetRegistration(name));

        // Configuration first, so that code given here wins.
        services.AddSingleton<IConfigureOptions<AtlassianTargetOptions>>(sp => new ConfigureNamedOptions<AtlassianTargetOptions>(name, o =>
            sp.GetService<IConfiguration>()?.GetSection(ConfigurationSection + ":" + name).Bind(o)));
        var options = services.AddOptions<AtlassianTargetOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<AtlassianTargetOptions>>(new TargetValidator(name));

        services.AddHttpClient(HttpClientPrefix + name)
            .ConfigureHttpClient((sp, http) =>
            {
                var o = sp.GetRequiredService<IOptionsMonitor<AtlassianTargetOptions>>().Get(name);
                var address = o.BaseAddress!.AbsoluteUri;
                http.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline times each attempt and the whole
                http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                http.DefaultRequestHeaders.Authorization = string.IsNullOrEmpty(o.PersonalAccessToken)
                    ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(o.Username + ":" + o.Password)))
                    : new AuthenticationHeaderValue("Bearer", o.PersonalAccessToken);
            })
            .AddResilienceHandler("atlassian", (pipeline, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptionsMonitor<AtlassianTargetOptions>>().Get(name);
                pipeline.AddTimeout(o.TotalTimeout);
                if (o.MaxRetries > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = o.MaxRetries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = o.RetryDelay,
                        ShouldRetryAfterHeader = true,
                    });
                }

                pipeline
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions { BreakDuration = o.BreakDuration })
                    .AddTimeout(o.AttemptTimeout);
            });

        services.TryAddSingleton<AtlassianClientFactory>(sp =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return (target, product) => ProductClients.Create(product, factory.CreateClient(HttpClientPrefix + target));
        });
        services.TryAddSingleton<IAtlassianTargetState>(sp => new SqliteAtlassianTargetState(Path.Combine(
            sp.GetService<IConfiguration>()?[StateDirectoryKey]
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ScimSync", "atlassian"),
            "targets.db")));
        services.TryAddSingleton(sp => new AtlassianTargets(
            sp.GetServices<AtlassianTargetRegistration>(),
            sp.GetRequiredService<IOptionsMonitor<AtlassianTargetOptions>>(),
            sp.GetRequiredService<AtlassianClientFactory>(),
            sp.GetRequiredService<IAtlassianTargetState>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new AtlassianReconciler(sp.GetRequiredService<AtlassianTargets>(), sp.GetRequiredService<IServiceScopeFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScimStoreDecorator, AtlassianStoreDecorator>(sp =>
            new AtlassianStoreDecorator(sp.GetRequiredService<AtlassianTargets>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AtlassianOutboxWorker>(sp => new AtlassianOutboxWorker(
            sp.GetRequiredService<AtlassianTargets>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System)));
        return builder;
    }

    private sealed class TargetValidator(string name) : IValidateOptions<AtlassianTargetOptions>
    {
        public ValidateOptionsResult Validate(string? optionsName, AtlassianTargetOptions options)
        {
            if (!string.Equals(optionsName, name, StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Skip;
            }

            var problems = options.Validate();
            return problems.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(problems.Select(p => $"{ConfigurationSection}:{name}: {p}"));
        }
    }
}
