// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;
using ScimSync.Schema;

namespace ScimSync.Abstractions.Tests.Filtering;

public sealed class ScimFilterEvaluatorTests
{
    private const string Test = "urn:example:params:scim:schemas:extension:test:2.0:User";

    // RFC 7643 §8.2 (full User representation), plus the enterprise extension values of §8.3 and a test extension
    // with the types the core schemas lack (integer, decimal, dateTime, simple multi-valued, empty values).
    private const string FullUserJson = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                      "urn:example:params:scim:schemas:extension:test:2.0:User"],
          "id": "2819c223-7f76-453a-919d-413861904646",
          "externalId": "701984",
          "userName": "bjensen@example.com",
          "name": {
            "formatted": "Ms. Barbara J Jensen, III",
            "familyName": "Jensen",
            "givenName": "Barbara",
            "middleName": "Jane",
            "honorificPrefix": "Ms.",
            "honorificSuffix": "III"
          },
          "displayName": "Babs Jensen",
          "nickName": "Babs",
          "profileUrl": "https://login.example.com/bjensen",
          "emails": [
            { "value": "bjensen@example.com", "type": "work", "primary": true },
            { "value": "babs@jensen.org", "type": "home" }
          ],
          "addresses": [
            {
              "type": "work",
              "streetAddress": "100 Universal City Plaza",
              "locality": "Hollywood",
              "region": "CA",
              "postalCode": "91608",
              "country": "USA",
              "formatted": "100 Universal City Plaza\nHollywood, CA 91608 USA",
              "primary": true
            },
            {
              "type": "home",
              "streetAddress": "456 Hollywood Blvd",
              "locality": "Hollywood",
              "region": "CA",
              "postalCode": "91608",
              "country": "USA",
              "formatted": "456 Hollywood Blvd\nHollywood, CA 91608 USA"
            }
          ],
          "phoneNumbers": [
            { "value": "555-555-5555", "type": "work" },
            { "value": "555-555-4444", "type": "mobile" }
          ],
          "ims": [ { "value": "someaimhandle", "type": "aim" } ],
          "photos": [
            { "value": "https://photos.example.com/profilephoto/72930000000Ccne/F", "type": "photo" },
            { "value": "https://photos.example.com/profilephoto/72930000000Ccne/T", "type": "thumbnail" }
          ],
          "userType": "Employee",
          "title": "Tour Guide",
          "preferredLanguage": "en-US",
          "locale": "en-US",
          "timezone": "America/Los_Angeles",
          "active": true,
          "password": "t1meMa$heen",
          "groups": [
            {
              "value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
              "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
              "display": "Tour Guides"
            },
            {
              "value": "fc348aa8-3835-40eb-a20b-c726e15c55b5",
              "$ref": "https://example.com/v2/Groups/fc348aa8-3835-40eb-a20b-c726e15c55b5",
              "display": "Employees"
            },
            {
              "value": "71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7",
              "$ref": "https://example.com/v2/Groups/71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7",
              "display": "US Employees"
            }
          ],
          "x509Certificates": [
            { "value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx" }
          ],
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "costCenter": "4130",
            "organization": "Universal Studios",
            "division": "Theme Park",
            "department": "Tour Operations",
            "manager": {
              "value": "26118915-6090-4610-87e4-49d8ca9f808d",
              "$ref": "../Users/26118915-6090-4610-87e4-49d8ca9f808d",
              "displayName": "John Smith"
            }
          },
          "urn:example:params:scim:schemas:extension:test:2.0:User": {
            "level": 7,
            "score": 98.6,
            "lastLogin": "2024-03-01T10:00:00+01:00",
            "tags": ["Alpha", "beta"],
            "motto": "",
            "aliases": [],
            "retiredOn": null
          },
          "meta": {
            "resourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z",
            "version": "W/\"a330bc54f0671c9\"",
            "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
          }
        }
        """;

    private static readonly ScimSchemaDefinition s_testSchema = new(
        Test,
        "Test",
        null,
        [
            new() { Name = "level", Type = ScimAttributeType.Integer },
            new() { Name = "score", Type = ScimAttributeType.Decimal },
            new() { Name = "lastLogin", Type = ScimAttributeType.DateTime },
            new() { Name = "tags", MultiValued = true, CaseExact = true },
            new() { Name = "motto" },
            new() { Name = "aliases", MultiValued = true },
            new() { Name = "note" },
            new() { Name = "retired", Type = ScimAttributeType.Boolean },
            new() { Name = "retiredOn", Type = ScimAttributeType.DateTime },
        ]);

    private static readonly ScimResourceTypeDefinition s_userType = new(
        "User",
        "/Users",
        null,
        ScimCoreSchemas.User,
        [new ScimSchemaExtension(ScimCoreSchemas.EnterpriseUser, false), new ScimSchemaExtension(s_testSchema, false)]);

    private readonly ScimFilterEvaluator _evaluator = new(s_userType);
    private readonly JsonObject _user = JsonNode.Parse(FullUserJson)!.AsObject();

    public static TheoryData<string, bool> MatchCases => new()
    {
        // caseExact: userName is not case-exact, id/externalId/meta.resourceType are.
        { "userName eq \"bjensen@example.com\"", true },
        { "userName eq \"BJensen@Example.COM\"", true },
        { "USERNAME EQ \"bjensen@example.com\"", true },
        { "id eq \"2819c223-7f76-453a-919d-413861904646\"", true },
        { "id eq \"2819C223-7F76-453A-919D-413861904646\"", false },
        { "externalId eq \"701984\"", true },
        { "meta.resourceType eq \"User\"", true },
        { "meta.resourceType eq \"user\"", false },
        { "name.familyName co \"O'Malley\"", false },
        { "name.familyName co \"ENS\"", true },
        { "name.familyName sw \"jen\"", true },
        { "name.familyName ew \"SEN\"", true },
        { "name.familyName ew \"Jen\"", false },
        { "name.familyName sw \"Jensen\"", true },
        { "userName gt \"a\"", true },
        { "userName lt \"C\"", true },
        { "userName ge \"BJENSEN@EXAMPLE.COM\"", true },
        { "userName gt \"bjensen@example.com\"", false },

        // Multi-valued: any value matches; no sub-attribute means "value".
        { "emails co \"example.com\"", true },
        { "emails co \"example.org\"", false },
        { "emails.value co \"jensen.org\"", true },
        { "emails eq \"babs@jensen.org\"", true },
        { "emails.type eq \"home\" and emails.value co \"@example.com\"", true },
        { "emails[type eq \"home\" and value co \"@example.com\"]", false },
        { "emails[type eq \"work\" and value co \"@example.com\"]", true },
        { "emails[type eq \"work\" and primary eq true]", true },
        { "emails[primary eq true and type eq \"home\"]", false },
        { "emails[not (type eq \"work\")]", true },
        { "emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]", true },
        { "ims[type eq \"xmpp\"]", false },
        { "groups.display eq \"Employees\"", true },
        { "groups[display sw \"US\"]", true },
        { "groups[value eq \"fc348aa8-3835-40eb-a20b-c726e15c55b5\"]", true },
        { "groups.$ref ew \"71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7\"", true },
        { "addresses[type eq \"work\" and postalCode eq \"91608\"]", true },
        { "addresses.region eq \"ca\"", true },
        { "schemas eq \"urn:ietf:params:scim:schemas:core:2.0:User\"", true },
        { "schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"", true },
        { "schemas eq \"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER\"", false },
        { $"{Test}:tags eq \"Alpha\"", true },
        { $"{Test}:tags eq \"alpha\"", false },
        { $"{Test}:tags sw \"b\"", true },
        { $"{Test}:tags[value eq \"beta\"]", true },
        { $"{Test}:tags[value eq \"BETA\"]", false },
        { $"{Test}:aliases[value pr]", false },

        // A value filter on a singular complex attribute applies to its one value.
        { "name[givenName eq \"Barbara\" and familyName eq \"Jensen\"]", true },
        { "name[givenName eq \"Barbara\" and familyName eq \"Smith\"]", false },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[displayName sw \"John\"]", true },

        // RFC 7644 §3.4.2.2 logical examples.
        { "title pr and userType eq \"Employee\"", true },
        { "title pr or userType eq \"Intern\"", true },
        { "userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")", true },
        { "userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")", false },
        { "userType eq \"Employee\" and (emails.type eq \"work\")", true },
        { "not (userType eq \"Intern\")", true },
        { "not (title pr)", false },
        { "userType eq \"Intern\" or title pr and active eq true", true },
        { "(userType eq \"Intern\" or title pr) and active eq false", false },

        // ne is "not eq", also for absent attributes.
        { "userType ne \"employee\"", false },
        { "nickName ne \"x\"", true },
        { $"{Test}:note ne \"a\"", true },
        { $"{Test}:note eq \"a\"", false },
        { $"{Test}:note gt \"a\"", false },
        { $"{Test}:note co \"a\"", false },
        { "emails.type ne \"work\"", false },
        { "emails.type ne \"other\"", true },

        // pr and null.
        { "title pr", true },
        { "name pr", true },
        { "emails pr", true },
        { "name.middleName pr", true },
        { "x509Certificates pr", true },
        { $"{Test}:note pr", false },
        { $"{Test}:motto pr", false },
        { $"{Test}:aliases pr", false },
        { $"{Test}:retiredOn pr", false },
        { $"{Test}:retiredOn eq null", true },
        { $"{Test}:note eq null", true },
        { $"{Test}:note ne null", false },
        { "title eq null", false },
        { "title ne null", true },
        { "emails.display eq null", true },
        { "emails.primary ne null", true },

        // dateTime compares instants.
        { "meta.lastModified gt \"2011-05-13T04:42:34Z\"", false },
        { "meta.lastModified ge \"2011-05-13T04:42:34Z\"", true },
        { "meta.lastModified lt \"2011-05-13T04:42:35Z\"", true },
        { "meta.lastModified le \"2011-05-13T04:42:33Z\"", false },
        { "meta.lastModified eq \"2011-05-13T06:42:34+02:00\"", true },
        { "meta.lastModified eq \"2011-05-13T04:42:34.000Z\"", true },
        { "meta.created lt \"2011-05-13T04:42:34Z\"", true },
        { $"{Test}:lastLogin gt \"2024-03-01T09:30:00Z\"", false },
        { $"{Test}:lastLogin lt \"2024-03-01T09:30:00Z\"", true },
        { $"{Test}:lastLogin eq \"2024-03-01T09:00:00Z\"", true },

        // Numbers compare numerically.
        { $"{Test}:level gt 5", true },
        { $"{Test}:level eq 7.0", true },
        { $"{Test}:level le 6", false },
        { $"{Test}:level ne 7", false },
        { $"{Test}:score ge 98.6", true },
        { $"{Test}:score lt 98.59", false },
        { $"{Test}:score gt 1e1", true },

        // Booleans.
        { "active eq true", true },
        { "active ne true", false },
        { "active eq false", false },
        { $"{Test}:retired eq false", false },
        { $"{Test}:retired ne true", true },

        // URN-qualified paths: core, enterprise (with sub-attributes), case-insensitive URNs.
        { "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"bjensen\"", true },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"", true },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"26118915-6090-4610-87e4-49d8ca9f808d\"", true },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName co \"smith\"", true },
        { "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:department eq \"tour operations\"", true },
        { "title pr and urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"Sales\"", false },
    };

    public static TheoryData<string, string> InvalidFilters => new()
    {
        { "active gt true", "boolean" },
        { "active co \"t\"", "boolean" },
        { "active eq \"true\"", "boolean" },
        { "x509Certificates.value gt \"M\"", "binary" },
        { "meta.lastModified gt \"yesterday\"", "not a valid dateTime" },
        { "meta.lastModified gt \"2011-05-13\"", "not a valid dateTime" },
        { "meta.lastModified gt 5", "dateTime" },
        { $"{Test}:level co \"7\"", "numeric" },
        { $"{Test}:level eq \"7\"", "numeric" },
        { "userName eq 5", "string" },
        { "userName eq true", "string" },
        { "userName gt null", "null" },
        { "name eq \"Jensen\"", "complex attribute" },
    };

    public static TheoryData<string, string> UnknownAttributeFilters => new()
    {
        { "foo eq \"x\"", "unknown attribute 'foo'" },
        { "name.foo pr", "unknown attribute 'name.foo'" },
        { "emails[foo eq \"x\"]", "'emails' has no sub-attribute 'foo'" },
        { "urn:example:unknown:2.0:User:foo pr", "unknown attribute" },
        { "employeeNumber eq \"701984\"", "unknown attribute" },
        { "userName[value eq \"x\"]", "neither complex nor multi-valued" },
    };

    [Theory]
    [MemberData(nameof(MatchCases))]
    public void Matches_FullUserExample_ReturnsExpected(string filter, bool expected)
    {
        var node = ScimFilter.Parse(filter);

        Assert.Equal(expected, _evaluator.Matches(node, _user));
    }

    [Theory]
    [MemberData(nameof(MatchCases))]
    public void Validate_KnownAttributesAndSuitableOperators_ReturnsNull(string filter, bool expected)
    {
        _ = expected;
        Assert.Null(_evaluator.Validate(ScimFilter.Parse(filter)));
    }

    [Theory]
    [MemberData(nameof(InvalidFilters))]
    public void Validate_OperatorOrValueUnsuitedToType_ReturnsInvalidFilter(string filter, string message)
    {
        var error = _evaluator.Validate(ScimFilter.Parse(filter));

        Assert.NotNull(error);
        Assert.Equal(ScimErrorType.InvalidFilter, error.Type);
        Assert.Contains(message, error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidFilters))]
    public void Matches_OperatorOrValueUnsuitedToType_ThrowsInvalidFilter(string filter, string message)
    {
        var node = ScimFilter.Parse(filter);

        var exception = Assert.Throws<ScimException>(() => _evaluator.Matches(node, _user));

        Assert.Equal(ScimErrorType.InvalidFilter, exception.Error.Type);
        Assert.Contains(message, exception.Error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(UnknownAttributeFilters))]
    public void Validate_UnknownAttribute_ReturnsInvalidFilter(string filter, string message)
    {
        var error = _evaluator.Validate(ScimFilter.Parse(filter));

        Assert.NotNull(error);
        Assert.Equal(ScimErrorType.InvalidFilter, error.Type);
        Assert.Contains(message, error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("foo eq \"x\"", false)]
    [InlineData("foo ne \"x\"", true)]
    [InlineData("foo pr", false)]
    [InlineData("foo eq null", true)]
    public void Matches_UnknownAttribute_TreatedAsAbsent(string filter, bool expected) =>
        Assert.Equal(expected, _evaluator.Matches(ScimFilter.Parse(filter), _user));

    [Theory]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber pr", false)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber ne \"1\"", true)]
    [InlineData("userName eq \"bjensen@example.com\"", true)]
    public void Matches_ResourceWithoutExtension_TreatsExtensionAttributesAsAbsent(string filter, bool expected)
    {
        var user = _user.DeepClone().AsObject();
        user.Remove(ScimSchemas.EnterpriseUser);

        Assert.Equal(expected, _evaluator.Matches(ScimFilter.Parse(filter), user));
    }

    [Fact]
    public void Matches_MemberNamesInOtherCase_FindsThem()
    {
        var user = JsonNode.Parse("""{ "USERNAME": "bjensen", "Emails": [ { "Value": "b@example.com", "TYPE": "work" } ] }""")!.AsObject();

        Assert.True(_evaluator.Matches(ScimFilter.Parse("userName eq \"bjensen\""), user));
        Assert.True(_evaluator.Matches(ScimFilter.Parse("emails[type eq \"work\" and value ew \"example.com\"]"), user));
    }

    [Fact]
    public void Matches_ValuesBuiltInCode_CompareByType()
    {
        var user = new JsonObject
        {
            ["active"] = true,
            ["meta"] = new JsonObject { ["lastModified"] = new DateTimeOffset(2011, 5, 13, 4, 42, 34, TimeSpan.Zero) },
            [Test] = new JsonObject { ["level"] = 7, ["score"] = 98.6 },
        };

        Assert.True(_evaluator.Matches(ScimFilter.Parse("active eq true"), user));
        Assert.True(_evaluator.Matches(ScimFilter.Parse("meta.lastModified eq \"2011-05-13T04:42:34Z\""), user));
        Assert.True(_evaluator.Matches(ScimFilter.Parse($"{Test}:level ge 7 and {Test}:level lt 7.5"), user));
        Assert.True(_evaluator.Matches(ScimFilter.Parse($"{Test}:score eq 98.6"), user));
    }

    [Fact]
    public void MatchesValue_EmailElements_EvaluatesRelativeFilter()
    {
        var path = PatchPath.Parse("emails[type eq \"work\"].value");
        var emails = ScimCoreSchemas.User.FindAttribute("emails")!;
        var elements = _user["emails"]!.AsArray();

        Assert.True(_evaluator.MatchesValue(path.ValueFilter!, elements[0]!, emails));
        Assert.False(_evaluator.MatchesValue(path.ValueFilter!, elements[1]!, emails));
    }

    [Theory]
    [InlineData("value eq \"bjensen@example.com\" and primary eq true", true)]
    [InlineData("VALUE eq \"BJENSEN@example.com\"", true)]
    [InlineData("display pr", false)]
    [InlineData("not (primary eq true)", false)]
    [InlineData("type eq \"work\" or type eq \"home\"", true)]
    public void MatchesValue_FirstEmail_ReturnsExpected(string filter, bool expected)
    {
        var emails = ScimCoreSchemas.User.FindAttribute("emails")!;

        Assert.Equal(expected, _evaluator.MatchesValue(ScimFilter.Parse(filter), _user["emails"]![0]!, emails));
    }

    [Theory]
    [InlineData("Alpha", true)]
    [InlineData("alpha", false)]
    public void MatchesValue_SimpleMultiValuedElement_ComparesElementAsValue(string element, bool expected)
    {
        var tags = s_testSchema.FindAttribute("tags")!;

        Assert.Equal(expected, _evaluator.MatchesValue(ScimFilter.Parse("value eq \"Alpha\""), JsonValue.Create(element), tags));
    }

    [Fact]
    public void MatchesValue_NestedValuePath_ThrowsInvalidFilter()
    {
        var emails = ScimCoreSchemas.User.FindAttribute("emails")!;
        var nested = new ValuePathNode(new AttributePath(null, "emails"), new PresentNode(new AttributePath(null, "type")));

        var exception = Assert.Throws<ScimException>(() => _evaluator.MatchesValue(nested, _user["emails"]![0]!, emails));

        Assert.Equal(ScimErrorType.InvalidFilter, exception.Error.Type);
    }

    [Theory]
    [InlineData("type eq \"work\"", true)]
    [InlineData("primary gt true", false)]
    [InlineData("foo pr", false)]
    public void ValidateValueFilter_EmailsSubAttributes_ChecksRelativePaths(string filter, bool valid)
    {
        var emails = ScimCoreSchemas.User.FindAttribute("emails")!;

        Assert.Equal(valid, _evaluator.ValidateValueFilter(ScimFilter.Parse(filter), emails) is null);
    }
}
