// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScimSync.Policies.Internal;

namespace ScimSync.Policies;

/// <summary>
/// The default <see cref="IAttributeMappingPolicy"/>: computes the target's user name, email, display name and custom
/// attributes from an incoming SCIM user, as <see cref="AttributeMappingOptions"/> says. Thread-safe; paths and
/// regular expressions are parsed once, when the policy is created.
/// </summary>
/// <remarks>
/// Paths follow RFC 7644 §3.5.2 (<c>emails[type eq "work"].value</c>, <c>name.givenName</c>, extension paths under
/// their schema URN); attribute names and schema URNs match ignoring case (RFC 7643 §2.1).
/// </remarks>
public sealed class AttributeMappingPolicy : IAttributeMappingPolicy
{
    private const string SettingPrefix = "AttributeMapping";
    private const string UserNameSubject = "userName";
    private const string EmailSubject = "email";
    private const string DisplayNameSubject = "displayName";

    private static readonly IReadOnlyDictionary<string, string> s_noCustomAttributes =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase).AsReadOnly();

    private readonly CompiledSource _userName;
    private readonly CompiledSource _email;
    private readonly CompiledSource _displayName;
    private readonly CompiledSource[] _custom;
    private readonly string[] _customNames;
    private readonly IReadOnlyCollection<string> _customNamesView;
    private readonly int _precedence;
    private readonly Dictionary<string, int> _attributePrecedence;

    /// <summary>Initializes a policy from options.</summary>
    /// <param name="options">The options; they are read once, so later changes have no effect.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem (see <see cref="Validate"/>).</exception>
    public AttributeMappingPolicy(AttributeMappingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var compiled = Compile(options, problems);
        if (problems.Count > 0 || compiled is null)
        {
            throw new ArgumentException(
                "The attribute mapping options are invalid: " + string.Join(" ", problems),
                nameof(options));
        }

        (_userName, _email, _displayName, _custom, _customNames) = compiled.Value;
        _customNamesView = Array.AsReadOnly(_customNames);
        CustomSchema = options.CustomSchema;
        _precedence = options.Precedence;
        _attributePrecedence = new Dictionary<string, int>(options.AttributePrecedence, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets a policy with the default options: the RFC 7643 attributes, no custom attributes.</summary>
    public static AttributeMappingPolicy Default { get; } = new(new AttributeMappingOptions());

    /// <inheritdoc/>
    public string CustomSchema { get; }

    /// <inheritdoc/>
    /// <remarks>The names as declared, in declaration order.</remarks>
    public IReadOnlyCollection<string> CustomAttributeNames => _customNamesView;

    /// <summary>Checks options without creating a policy.</summary>
    /// <param name="options">The options.</param>
    /// <returns>
    /// Every problem, each a sentence that starts with the setting it is about (for example
    /// <c>AttributeMapping:Email:Paths[1]: ...</c>); empty when the options are valid.
    /// </returns>
    public static IReadOnlyList<string> Validate(AttributeMappingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        _ = Compile(options, problems);
        return problems;
    }

    /// <inheritdoc/>
    public AttributeMappingResult Map(JsonObject user)
    {
        ArgumentNullException.ThrowIfNull(user);
        List<PolicyDecision>? decisions = null;

        var userName = _userName.Evaluate(user, ref decisions, out var found);
        if (!found)
        {
            Add(ref decisions, _userName.Subject, "none of the sources of the user name gave a value");
        }

        var email = _email.Evaluate(user, ref decisions, out _);
        var displayName = _displayName.Evaluate(user, ref decisions, out _);

        var custom = s_noCustomAttributes;
        if (_custom.Length > 0)
        {
            Dictionary<string, string>? values = null;
            for (var i = 0; i < _custom.Length; i++)
            {
                if (_custom[i].Evaluate(user, ref decisions, out _) is { } value)
                {
                    values ??= new Dictionary<string, string>(_custom.Length, StringComparer.OrdinalIgnoreCase);
                    values[_customNames[i]] = value;
                }
            }

            if (values is not null)
            {
                custom = values;
            }
        }

        return new AttributeMappingResult(
            new MappedUser(userName, email, displayName, custom),
            decisions is null ? [] : decisions);
    }

    /// <inheritdoc/>
    /// <remarks><see cref="AttributeMappingOptions.AttributePrecedence"/> for the attribute, else <see cref="AttributeMappingOptions.Precedence"/>.</remarks>
    public int PrecedenceOf(string attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        return _attributePrecedence.TryGetValue(attribute, out var precedence) ? precedence : _precedence;
    }

    private static void Add(ref List<PolicyDecision>? decisions, string subject, string reason) =>
        (decisions ??= []).Add(new PolicyDecision(PolicyNames.AttributeMapping, subject, reason));

    private static (CompiledSource UserName, CompiledSource Email, CompiledSource DisplayName, CompiledSource[] Custom, string[] Names)? Compile(
        AttributeMappingOptions options,
        List<string> problems)
    {
        var timeout = options.RegexTimeout;
        if (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromSeconds(10))
        {
            problems.Add($"{SettingPrefix}:RegexTimeout: {timeout} is out of range; it must be more than zero and at most 10 seconds.");
            timeout = TimeSpan.FromMilliseconds(100); // go on, so that every other problem is reported too
        }

        var schema = options.CustomSchema;
        if (!IsUrn(schema))
        {
            problems.Add($"{SettingPrefix}:CustomSchema: '{schema}' is not a URN; it must start with 'urn:' and contain no white space.");
        }

        var userName = CompileSource(options.UserName ?? DefaultUserName(), "UserName", UserNameSubject, timeout, problems);
        var email = CompileSource(options.Email ?? DefaultEmail(), "Email", EmailSubject, timeout, problems);
        var displayName = CompileSource(options.DisplayName ?? DefaultDisplayName(), "DisplayName", DisplayNameSubject, timeout, problems);

        var custom = new CompiledSource[options.CustomAttributes.Count];
        var names = new string[custom.Length];
        var count = 0;
        foreach (var (name, source) in options.CustomAttributes)
        {
            var setting = $"CustomAttributes:{name}";
            if (!IsAttributeName(name))
            {
                problems.Add($"{SettingPrefix}:{setting}: '{name}' is not a SCIM attribute name; it must be a letter followed by letters, digits, '_' or '-'.");
            }

            if (source is null)
            {
                problems.Add($"{SettingPrefix}:{setting}: the source is missing.");
                continue;
            }

            var compiled = CompileSource(source, setting, name, timeout, problems);
            if (compiled is not null)
            {
                custom[count] = compiled;
                names[count] = name;
                count++;
            }
        }

        foreach (var attribute in options.AttributePrecedence.Keys)
        {
            if (!string.Equals(attribute, UserNameSubject, StringComparison.OrdinalIgnoreCase) &&
                !string.Equals(attribute, EmailSubject, StringComparison.OrdinalIgnoreCase) &&
                !string.Equals(attribute, DisplayNameSubject, StringComparison.OrdinalIgnoreCase) &&
                !options.CustomAttributes.Keys.Contains(attribute, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{SettingPrefix}:AttributePrecedence:{attribute}: '{attribute}' is not a target attribute; it must be userName, email, displayName or a name of CustomAttributes.");
            }
        }

        if (problems.Count > 0 || userName is null || email is null || displayName is null)
        {
            return null;
        }

        return (userName, email, displayName, custom, names);
    }

    private static CompiledSource? CompileSource(AttributeSource source, string setting, string subject, TimeSpan timeout, List<string> problems)
    {
        var before = problems.Count;
        var prefix = $"{SettingPrefix}:{setting}";
        if (source.Paths.Count == 0 && source.Constant is null)
        {
            problems.Add($"{prefix}: the source has neither paths nor a constant, so it never gives a value.");
        }

        var selectors = new ValueSelector[source.Paths.Count];
        for (var i = 0; i < selectors.Length; i++)
        {
            var text = source.Paths[i];
            if (string.IsNullOrWhiteSpace(text))
            {
                problems.Add($"{prefix}:Paths[{i}]: the path is empty.");
            }
            else if (ValueSelector.TryCreate(text, out var selector, out var problem))
            {
                selectors[i] = selector!;
            }
            else
            {
                problems.Add(Sentence($"{prefix}:Paths[{i}]: {problem}"));
            }
        }

        var transforms = new Transform[source.Transforms.Count];
        for (var i = 0; i < transforms.Length; i++)
        {
            var transform = source.Transforms[i];
            var at = $"{prefix}:Transforms[{i}]";
            if (transform is null)
            {
                problems.Add($"{at}: the transform is missing.");
                continue;
            }

            switch (transform.Kind)
            {
                case AttributeTransformKind.Lowercase:
                case AttributeTransformKind.Uppercase:
                case AttributeTransformKind.Trim:
                case AttributeTransformKind.LocalPart:
                    transforms[i] = new Transform(transform.Kind, null, null);
                    break;
                case AttributeTransformKind.RegexReplace:
                    if (string.IsNullOrEmpty(transform.Pattern))
                    {
                        problems.Add($"{at}: a RegexReplace transform needs a Pattern.");
                        break;
                    }

                    try
                    {
                        var regex = new Regex(transform.Pattern, RegexOptions.CultureInvariant, timeout);
                        transforms[i] = new Transform(transform.Kind, regex, transform.Replacement ?? "");
                    }
                    catch (RegexParseException e)
                    {
                        problems.Add($"{at}: '{transform.Pattern}' is not a valid regular expression: {e.Error} at offset {e.Offset}.");
                    }

                    break;
                default:
                    problems.Add($"{at}: {(int)transform.Kind} is not a transform kind.");
                    break;
            }
        }

        return problems.Count > before ? null : new CompiledSource(subject, selectors, source.Constant, transforms);
    }

    private static string Sentence(string text) => text.EndsWith('.') ? text : text + ".";

    private static AttributeSource DefaultUserName() => new() { Paths = { "userName" } };

    private static AttributeSource DefaultEmail() => new()
    {
        Paths = { "emails[primary eq true].value", "emails[type eq \"work\"].value", "emails.value" },
    };

    private static AttributeSource DefaultDisplayName() => new()
    {
        Paths = { "displayName", "name.formatted", "{name.givenName} {name.familyName}" },
    };

    private static bool IsUrn(string? text)
    {
        if (text is null || text.Length <= 4 || !text.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    // RFC 7643 §2.1: ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA.
    private static bool IsAttributeName(string? name)
    {
        if (string.IsNullOrEmpty(name) || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        for (var i = 1; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Transform(AttributeTransformKind Kind, Regex? Regex, string? Replacement);

    private sealed class CompiledSource(string subject, ValueSelector[] selectors, string? constant, Transform[] transforms)
    {
        public string Subject => subject;

        // The value after transforms, or null; found tells whether a path or the constant gave a value at all.
        public string? Evaluate(JsonObject user, ref List<PolicyDecision>? decisions, out bool found)
        {
            string? value = null;
            for (var i = 0; i < selectors.Length && value is null; i++)
            {
                value = selectors[i].Select(user);
            }

            value ??= string.IsNullOrEmpty(constant) ? null : constant;
            found = value is not null;
            if (value is null)
            {
                return null;
            }

            for (var i = 0; i < transforms.Length; i++)
            {
                var transform = transforms[i];
                switch (transform.Kind)
                {
                    case AttributeTransformKind.Lowercase:
                        value = value.ToLowerInvariant();
                        break;
                    case AttributeTransformKind.Uppercase:
                        value = value.ToUpperInvariant();
                        break;
                    case AttributeTransformKind.Trim:
                        value = value.Trim();
                        break;
                    case AttributeTransformKind.LocalPart:
                        var at = value.LastIndexOf('@');
                        value = at < 0 ? value : value[..at];
                        break;
                    default:
                        try
                        {
                            value = transform.Regex!.Replace(value, transform.Replacement!);
                        }
                        catch (RegexMatchTimeoutException)
                        {
                            Add(ref decisions, subject, "the regular expression of a transform timed out; the value was dropped");
                            return null;
                        }

                        break;
                }

                if (value.Length == 0)
                {
                    Add(ref decisions, subject, $"transform {i} ({transform.Kind}) left the value empty; the value was dropped");
                    return null;
                }
            }

            return value;
        }
    }
}
