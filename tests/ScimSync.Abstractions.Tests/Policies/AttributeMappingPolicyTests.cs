// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using ScimSync.Policies;

namespace ScimSync.Abstractions.Tests.Policies;

/// <summary>The default attribute mapping: defaults, fallbacks, paths, templates, transforms and validation.</summary>
public sealed class AttributeMappingPolicyTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    public static TheoryData<string, string, string?> DefaultEmailCases => new()
    {
        {
            "primary wins over work and order",
            """{"userName":"u","emails":[{"value":"home@x.org","type":"home"},{"value":"work@x.org","type":"work"},{"value":"main@x.org","type":"other","primary":true}]}""",
            "main@x.org"
        },
        {
            "work when no primary",
            """{"userName":"u","emails":[{"value":"home@x.org","type":"home"},{"value":"work@x.org","type":"work"}]}""",
            "work@x.org"
        },
        {
            "work when primary is false",
            """{"userName":"u","emails":[{"value":"home@x.org","type":"home","primary":false},{"value":"work@x.org","type":"Work"}]}""",
            "work@x.org"
        },
        {
            "first when neither primary nor work",
            """{"userName":"u","emails":[{"value":"first@x.org","type":"home"},{"value":"second@x.org","type":"other"}]}""",
            "first@x.org"
        },
        {
            "primary without value falls back to work",
            """{"userName":"u","emails":[{"type":"home","primary":true},{"value":"work@x.org","type":"work"}]}""",
            "work@x.org"
        },
        {
            "first with a value when the first has none",
            """{"userName":"u","emails":[{"type":"home"},{"value":"second@x.org"}]}""",
            "second@x.org"
        },
        { "no emails", """{"userName":"u"}""", null },
        { "empty emails", """{"userName":"u","emails":[]}""", null },
        {
            "attribute names ignore case",
            """{"userName":"u","EMAILS":[{"Value":"home@x.org","Type":"home"},{"VALUE":"work@x.org","TYPE":"work"}]}""",
            "work@x.org"
        },
    };

    public static TheoryData<string, string, string?> DefaultDisplayNameCases => new()
    {
        { "displayName first", """{"displayName":"Ann Lee","name":{"formatted":"Ms Ann Lee","givenName":"A","familyName":"L"}}""", "Ann Lee" },
        { "formatted when no displayName", """{"name":{"formatted":"Ms Ann Lee","givenName":"A","familyName":"L"}}""", "Ms Ann Lee" },
        { "formatted when displayName empty", """{"displayName":"","name":{"formatted":"Ms Ann Lee"}}""", "Ms Ann Lee" },
        { "given and family", """{"name":{"givenName":"Ann","familyName":"Lee"}}""", "Ann Lee" },
        { "only given", """{"name":{"givenName":"Ann"}}""", "Ann" },
        { "only family", """{"name":{"familyName":"Lee"}}""", "Lee" },
        { "white space collapsed", """{"name":{"givenName":"  Ann  Marie ","familyName":" Lee "}}""", "Ann Marie Lee" },
        { "nothing", """{"name":{}}""", null },
        { "no name", """{"userName":"u"}""", null },
        { "names ignore case", """{"NAME":{"GivenName":"Ann","FAMILYNAME":"Lee"}}""", "Ann Lee" },
    };

    public static TheoryData<string, AttributeSource, string, string?> SourceCases => new()
    {
        {
            "enterprise employeeNumber",
            Source([Enterprise + ":employeeNumber"]),
            """{"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"E-42"}}""",
            "E-42"
        },
        {
            "enterprise URN key and attribute ignore case",
            Source([Enterprise + ":employeeNumber"]),
            """{"userName":"u","URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER":{"EmployeeNumber":"E-42"}}""",
            "E-42"
        },
        {
            "enterprise manager sub-attribute",
            Source([Enterprise + ":manager.value"]),
            """{"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m-1"}}}""",
            "m-1"
        },
        {
            "employee number as a JSON number",
            Source([Enterprise + ":employeeNumber"]),
            """{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":4200}}""",
            "4200"
        },
        { "boolean", Source(["active"]), """{"active":true}""", "true" },
        { "boolean false", Source(["active"]), """{"active":false}""", "false" },
        { "decimal number", Source(["x"]), """{"x":1.50}""", "1.50" },
        { "object yields nothing", Source(["x"]), """{"x":{"a":"b"}}""", null },
        { "array of objects yields nothing", Source(["x"]), """{"x":[{"a":"b"}]}""", null },
        { "null yields nothing", Source(["userName"]), """{"userName":null}""", null },
        { "first path with a value wins", Source(["nickName", "title", "userName"]), """{"userName":"u","title":"Dr"}""", "Dr" },
        { "core URN-qualified path", Source(["urn:ietf:params:scim:schemas:core:2.0:User:userName"]), """{"userName":"u1"}""", "u1" },
        { "constant when no path gives a value", Source(["nickName"], constant: "fixed"), """{"userName":"u"}""", "fixed" },
        { "constant alone", Source([], constant: "fixed"), """{"userName":"u"}""", "fixed" },
        { "path wins over constant", Source(["userName"], constant: "fixed"), """{"userName":"u"}""", "u" },
        {
            "value filter on a multi-valued attribute",
            Source(["phoneNumbers[type eq \"mobile\"].value"]),
            """{"phoneNumbers":[{"value":"1","type":"work"},{"value":"2","type":"mobile"}]}""",
            "2"
        },
        {
            "value filter matching nothing",
            Source(["phoneNumbers[type eq \"fax\"].value"]),
            """{"phoneNumbers":[{"value":"1","type":"work"}]}""",
            null
        },
        {
            "local part of userName",
            Source(["userName"], AttributeTransform.LocalPart()),
            """{"userName":"ann.lee@example.com"}""",
            "ann.lee"
        },
        {
            "local part before the last @",
            Source(["userName"], AttributeTransform.LocalPart()),
            """{"userName":"a@b@example.com"}""",
            "a@b"
        },
        { "local part without @ unchanged", Source(["userName"], AttributeTransform.LocalPart()), """{"userName":"ann"}""", "ann" },
        {
            "local part then lowercase",
            Source(["userName"], AttributeTransform.LocalPart(), AttributeTransform.Lowercase()),
            """{"userName":"Ann.Lee@Example.com"}""",
            "ann.lee"
        },
        { "lowercase", Source(["userName"], AttributeTransform.Lowercase()), """{"userName":"ANN"}""", "ann" },
        { "lowercase is invariant", Source(["userName"], AttributeTransform.Lowercase()), """{"userName":"TITLE"}""", "title" },
        { "uppercase", Source(["userName"], AttributeTransform.Uppercase()), """{"userName":"ann"}""", "ANN" },
        { "trim", Source(["userName"], AttributeTransform.Trim()), """{"userName":"  ann  "}""", "ann" },
        {
            "regex replace with groups",
            Source(["userName"], AttributeTransform.RegexReplace(@"^(\w+)\.(\w+)@.*$", "$2_$1")),
            """{"userName":"ann.lee@example.com"}""",
            "lee_ann"
        },
        {
            "regex replace without a match leaves the value",
            Source(["userName"], AttributeTransform.RegexReplace("^AAD-", "")),
            """{"userName":"ann"}""",
            "ann"
        },
        {
            "transforms apply to a constant",
            Source([], constant: "Fixed", AttributeTransform.Uppercase()),
            """{}""",
            "FIXED"
        },
        {
            "template with escaped braces",
            Source(["{{{userName}}} {{x}}"]),
            """{"userName":"ann"}""",
            "{ann} {x}"
        },
        {
            "template with literal text and a filter",
            Source(["{name.familyName}, {name.givenName} <{emails[type eq \"work\"].value}>"]),
            """{"name":{"givenName":"Ann","familyName":"Lee"},"emails":[{"value":"h@x","type":"home"},{"value":"w@x","type":"work"}]}""",
            "Lee, Ann <w@x>"
        },
        {
            "template with a filter value holding a brace",
            Source(["{emails[type eq \"a}b\"].value}"]),
            """{"emails":[{"value":"w@x","type":"a}b"}]}""",
            "w@x"
        },
        { "template with no placeholder resolved falls through", Source(["{nickName} {title}", "userName"]), """{"userName":"u"}""", "u" },
        {
            "template placeholder into the enterprise extension",
            Source(["{userName} ({" + Enterprise + ":department})"]),
            """{"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"}}""",
            "u (R&D)"
        },
    };

    public static TheoryData<string, string?, int, string> DecisionCases => new()
    {
        // userName JSON, expected userName, expected decision count, expected reason fragment
        { """{"userName":"ann"}""", "ann", 0, "" },
        { """{"displayName":"x"}""", null, 1, "none of the sources" },
        { """{"userName":""}""", null, 1, "none of the sources" },
    };

    [Theory]
    [MemberData(nameof(DefaultEmailCases))]
    public void Map_DefaultEmail_FollowsPrimaryThenWorkThenFirst(string because, string json, string? expected)
    {
        var result = AttributeMappingPolicy.Default.Map(Parse(json));

        Assert.True(expected == result.User.Email, $"{because}: expected '{expected}', got '{result.User.Email}'");
        Assert.Empty(result.Decisions);
    }

    [Theory]
    [MemberData(nameof(DefaultDisplayNameCases))]
    public void Map_DefaultDisplayName_FollowsDisplayNameThenFormattedThenGivenAndFamily(string because, string json, string? expected)
    {
        var result = AttributeMappingPolicy.Default.Map(Parse(json));

        Assert.True(expected == result.User.DisplayName, $"{because}: expected '{expected}', got '{result.User.DisplayName}'");
    }

    [Theory]
    [InlineData("""{"userName":"ann@example.com"}""", "ann@example.com")]
    [InlineData("""{"USERNAME":"ann@example.com"}""", "ann@example.com")]
    [InlineData("""{"userName":42}""", "42")]
    public void Map_DefaultUserName_IsUserName(string json, string expected)
    {
        var result = AttributeMappingPolicy.Default.Map(Parse(json));

        Assert.Equal(expected, result.User.UserName);
        Assert.Empty(result.Decisions);
        Assert.Empty(result.User.CustomAttributes);
    }

    [Theory]
    [MemberData(nameof(DecisionCases))]
    public void Map_UserNameWithoutSource_GivesADecision(string json, string? expected, int decisions, string reason)
    {
        var result = AttributeMappingPolicy.Default.Map(Parse(json));

        Assert.Equal(expected, result.User.UserName);
        Assert.Equal(decisions, result.Decisions.Count);
        foreach (var decision in result.Decisions)
        {
            Assert.Equal(PolicyNames.AttributeMapping, decision.Policy);
            Assert.Equal("userName", decision.Subject);
            Assert.Contains(reason, decision.Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(SourceCases))]
    public void Map_ConfiguredSource_GivesExpectedValue(string because, AttributeSource source, string json, string? expected)
    {
        // The same source drives the user name and a custom attribute, so both code paths are covered.
        var options = new AttributeMappingOptions { UserName = source, DisplayName = source };
        options.CustomAttributes["costCenterCode"] = source;
        var policy = new AttributeMappingPolicy(options);

        var result = policy.Map(Parse(json));

        Assert.True(expected == result.User.UserName, $"{because}: expected '{expected}', got '{result.User.UserName}'");
        Assert.Equal(expected, result.User.DisplayName);
        if (expected is null)
        {
            Assert.Empty(result.User.CustomAttributes);
        }
        else
        {
            Assert.Equal(expected, Assert.Contains("costCenterCode", result.User.CustomAttributes));
        }
    }

    [Fact]
    public void Map_UserNameRepointedToEmployeeNumber_IgnoresUserName()
    {
        var options = new AttributeMappingOptions { UserName = Source([Enterprise + ":employeeNumber"]) };
        var policy = new AttributeMappingPolicy(options);

        var withNumber = policy.Map(Parse($$$"""{"userName":"ann@x.org","{{{Enterprise}}}":{"employeeNumber":"701984"}}"""));
        var withoutNumber = policy.Map(Parse("""{"userName":"ann@x.org"}"""));

        Assert.Equal("701984", withNumber.User.UserName);
        Assert.Empty(withNumber.Decisions);
        Assert.Null(withoutNumber.User.UserName);
        Assert.Equal("userName", Assert.Single(withoutNumber.Decisions).Subject);
    }

    [Fact]
    public void Map_WorkEmailFilter_SelectsWorkWhenPrimaryMissing()
    {
        var options = new AttributeMappingOptions { Email = Source(["emails[type eq \"work\"].value"]) };
        var policy = new AttributeMappingPolicy(options);

        var result = policy.Map(Parse("""{"emails":[{"value":"h@x.org","type":"home"},{"value":"w@x.org","type":"work"}]}"""));

        Assert.Equal("w@x.org", result.User.Email);
    }

    [Fact]
    public void Map_CustomAttributes_FromConstantPathAndTransform()
    {
        var options = new AttributeMappingOptions();
        options.CustomAttributes["Tenant"] = Source([], constant: "contoso");
        options.CustomAttributes["dept"] = Source([Enterprise + ":department"]);
        options.CustomAttributes["login-name"] = Source(["userName"], AttributeTransform.LocalPart(), AttributeTransform.Uppercase());
        options.CustomAttributes["missing"] = Source(["nickName"]);
        var policy = new AttributeMappingPolicy(options);

        var result = policy.Map(Parse($$$"""{"userName":"ann@x.org","{{{Enterprise}}}":{"department":"Sales"}}"""));

        Assert.Equal(["Tenant", "dept", "login-name", "missing"], policy.CustomAttributeNames);
        Assert.Equal(AttributeMappingOptions.DefaultCustomSchema, policy.CustomSchema);
        Assert.Equal(3, result.User.CustomAttributes.Count);
        Assert.Equal("contoso", result.User.CustomAttributes["Tenant"]);
        Assert.Equal("Sales", result.User.CustomAttributes["dept"]);
        Assert.Equal("ANN", result.User.CustomAttributes["login-name"]);
        Assert.False(result.User.CustomAttributes.ContainsKey("missing"));
        Assert.Contains("Tenant", result.User.CustomAttributes.Keys); // declared case is kept
        Assert.Empty(result.Decisions);
    }

    [Fact]
    public void Map_CatastrophicBacktrackingRegex_TimesOutAndDropsTheValue()
    {
        var options = new AttributeMappingOptions
        {
            UserName = Source(["userName"], AttributeTransform.RegexReplace("^(a+)+$", "x")),
            RegexTimeout = TimeSpan.FromMilliseconds(1),
        };
        options.CustomAttributes["slow"] = Source(["userName"], AttributeTransform.RegexReplace("^(a+)+$", "x"));
        var policy = new AttributeMappingPolicy(options);

        var result = policy.Map(new JsonObject { ["userName"] = new string('a', 5000) + "!" });

        Assert.Null(result.User.UserName);
        Assert.Empty(result.User.CustomAttributes);
        var expected = "the regular expression of a transform timed out; the value was dropped";
        Assert.Contains(new PolicyDecision(PolicyNames.AttributeMapping, "userName", expected), result.Decisions);
        Assert.Contains(new PolicyDecision(PolicyNames.AttributeMapping, "slow", expected), result.Decisions);
        Assert.DoesNotContain(result.Decisions, d => d.Reason.Contains("aaaa", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("userName", "LocalPart", """{"userName":"@example.com"}""")]
    [InlineData("userName", "Trim", """{"userName":"   "}""")]
    [InlineData("displayName", "RegexReplace", """{"userName":"u","displayName":"drop me"}""")]
    public void Map_TransformLeavingNothing_DropsTheValueWithADecision(string subject, string kind, string json)
    {
        var transform = kind switch
        {
            "LocalPart" => AttributeTransform.LocalPart(),
            "Trim" => AttributeTransform.Trim(),
            _ => AttributeTransform.RegexReplace(".*", ""),
        };
        var source = Source([subject], transform);
        var options = subject == "userName" ? new AttributeMappingOptions { UserName = source } : new AttributeMappingOptions { DisplayName = source };
        var policy = new AttributeMappingPolicy(options);

        var result = policy.Map(Parse(json));

        var decision = Assert.Single(result.Decisions);
        Assert.Equal(subject, decision.Subject);
        Assert.Contains("left the value empty", decision.Reason, StringComparison.Ordinal);
        Assert.Null(subject == "userName" ? result.User.UserName : result.User.DisplayName);
    }

    [Fact]
    public void Validate_BadOptions_ListsEveryProblemInOneCall()
    {
        var options = new AttributeMappingOptions
        {
            Email = Source(["emails[primary eq true].value", "emails[type eq"]),
            UserName = Source(["userName"], AttributeTransform.RegexReplace("(unclosed", "x")),
            DisplayName = Source(["{name.givenName"]),
            CustomSchema = "not a urn",
            RegexTimeout = TimeSpan.FromSeconds(30),
        };
        options.CustomAttributes["1bad"] = Source(["userName"]);
        options.CustomAttributes["ok"] = Source(["emails[nosuch eq \"x\"].value"]);

        var problems = AttributeMappingPolicy.Validate(options);

        Assert.Equal(7, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("AttributeMapping:Email:Paths[1]: 'emails[type eq' is not a SCIM path: ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AttributeMapping:UserName:Transforms[0]: '(unclosed' is not a valid regular expression", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AttributeMapping:DisplayName:Paths[0]: ", StringComparison.Ordinal) && p.Contains("never closed", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AttributeMapping:CustomSchema: 'not a urn' is not a URN", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AttributeMapping:RegexTimeout: ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AttributeMapping:CustomAttributes:1bad: '1bad' is not a SCIM attribute name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AttributeMapping:CustomAttributes:ok:Paths[0]: ", StringComparison.Ordinal) && p.Contains("invalid value filter", StringComparison.Ordinal));

        var thrown = Assert.Throws<ArgumentException>(() => new AttributeMappingPolicy(options));
        foreach (var problem in problems)
        {
            Assert.Contains(problem, thrown.Message, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, AttributeMappingOptions> InvalidOptionCases
    {
        get
        {
            var data = new TheoryData<string, AttributeMappingOptions>
            {
                { "AttributeMapping:UserName:", new AttributeMappingOptions { UserName = new AttributeSource() } },
                { "AttributeMapping:UserName:Paths[0]: the path is empty", new AttributeMappingOptions { UserName = Source([" "]) } },
                { "AttributeMapping:Email:Paths[0]: ", new AttributeMappingOptions { Email = Source(["emails"]) } },
                { "AttributeMapping:Email:Paths[0]: ", new AttributeMappingOptions { Email = Source(["nosuch[type eq \"work\"].value"]) } },
                { "AttributeMapping:DisplayName:Paths[0]: ", new AttributeMappingOptions { DisplayName = Source(["{}"]) } },
                { "AttributeMapping:DisplayName:Paths[0]: ", new AttributeMappingOptions { DisplayName = Source(["a }"]) } },
                { "AttributeMapping:DisplayName:Paths[0]: ", new AttributeMappingOptions { DisplayName = Source(["{{literal}}"]) } },
                { "AttributeMapping:DisplayName:Paths[0]: ", new AttributeMappingOptions { DisplayName = Source(["{name..x}"]) } },
                { "AttributeMapping:UserName:Transforms[0]: ", new AttributeMappingOptions { UserName = Source(["userName"], new AttributeTransform { Kind = AttributeTransformKind.RegexReplace }) } },
                { "AttributeMapping:RegexTimeout: ", new AttributeMappingOptions { RegexTimeout = TimeSpan.Zero } },
                { "AttributeMapping:CustomSchema: ", new AttributeMappingOptions { CustomSchema = "urn:" } },
                { "AttributeMapping:CustomSchema: ", new AttributeMappingOptions { CustomSchema = "http://example.com/schema" } },
            };
            var badName = new AttributeMappingOptions();
            badName.CustomAttributes["has space"] = Source([], constant: "x");
            data.Add("AttributeMapping:CustomAttributes:has space: ", badName);
            var underscoreFirst = new AttributeMappingOptions();
            underscoreFirst.CustomAttributes["_x"] = Source([], constant: "x");
            data.Add("AttributeMapping:CustomAttributes:_x: ", underscoreFirst);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(InvalidOptionCases))]
    public void Validate_OneProblem_NamesTheSetting(string expectedPrefix, AttributeMappingOptions options)
    {
        var problem = Assert.Single(AttributeMappingPolicy.Validate(options));

        Assert.StartsWith(expectedPrefix, problem, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new AttributeMappingPolicy(options));
    }

    [Fact]
    public void Validate_DefaultAndValidOptions_HaveNoProblems()
    {
        var options = new AttributeMappingOptions
        {
            UserName = Source([Enterprise + ":employeeNumber", "userName"], AttributeTransform.LocalPart()),
            Email = Source(["emails[type eq \"work\" and primary eq true].value", "{userName}"]),
            CustomSchema = "urn:example:params:scim:schemas:extension:acme:2.0:User",
            RegexTimeout = TimeSpan.FromSeconds(10),
        };
        options.CustomAttributes["cost-center_2"] = Source([Enterprise + ":costCenter"], AttributeTransform.RegexReplace("^CC-(\\d+)$", "$1"));

        Assert.Empty(AttributeMappingPolicy.Validate(new AttributeMappingOptions()));
        Assert.Empty(AttributeMappingPolicy.Validate(options));
        Assert.Equal("urn:example:params:scim:schemas:extension:acme:2.0:User", new AttributeMappingPolicy(options).CustomSchema);
    }

    [Theory]
    [InlineData("TITLE", "Lowercase", "title")]
    [InlineData("title", "Uppercase", "TITLE")]
    public void Map_CaseTransforms_IgnoreTheCurrentCulture(string input, string kind, string expected)
    {
        var transform = kind == "Lowercase" ? AttributeTransform.Lowercase() : AttributeTransform.Uppercase();
        var policy = new AttributeMappingPolicy(new AttributeMappingOptions { UserName = Source(["userName"], transform) });
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("tr-TR"); // dotted and dotless i differ here
        try
        {
            Assert.Equal(expected, policy.Map(new JsonObject { ["userName"] = input }).User.UserName);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Constructor_ReadsOptionsOnce()
    {
        var options = new AttributeMappingOptions { UserName = Source(["userName"]) };
        var policy = new AttributeMappingPolicy(options);
        options.UserName.Paths[0] = "nickName";

        Assert.Equal("u", policy.Map(Parse("""{"userName":"u","nickName":"n"}""")).User.UserName);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static AttributeSource Source(string[] paths, params AttributeTransform[] transforms) => Source(paths, null, transforms);

    private static AttributeSource Source(string[] paths, string? constant, params AttributeTransform[] transforms)
    {
        var source = new AttributeSource { Constant = constant };
        foreach (var path in paths)
        {
            source.Paths.Add(path);
        }

        foreach (var transform in transforms)
        {
            source.Transforms.Add(transform);
        }

        return source;
    }
}
