// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;

namespace ScimSync.Okta.Emulator;

/// <summary>
/// The subset of Okta's <c>search</c>/<c>filter</c> expressions the emulator evaluates: <c>attr op "value"</c> with
/// <c>eq</c>, <c>ne</c>, <c>gt</c>, <c>ge</c>, <c>lt</c>, <c>le</c>, <c>sw</c>, <c>co</c>, <c>pr</c>, joined by
/// <c>and</c>/<c>or</c> with parentheses; attributes are JSON paths such as <c>status</c>, <c>lastUpdated</c>,
/// <c>profile.login</c> or <c>type</c>. Times compare as times.
/// </summary>
/// <remarks>Shape from https://developer.okta.com/docs/api/#filter and the search examples of the Users and Groups APIs.</remarks>
internal abstract class OktaSearchExpression
{
    public abstract bool Matches(JsonObject item);

    /// <summary>Parses an expression, or returns <see langword="null"/> when it is not one the emulator understands.</summary>
    public static OktaSearchExpression? TryParse(string text)
    {
        try
        {
            var parser = new Parser(Tokenize(text));
            var expression = parser.ParseOr();
            return parser.AtEnd ? expression : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c == '"')
            {
                var end = text.IndexOf('"', i + 1);
                if (end < 0)
                {
                    throw new FormatException("Unclosed string.");
                }

                tokens.Add(text[i..(end + 1)]);
                i = end + 1;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')'))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
        }

        return tokens;
    }

    private sealed class Parser(List<string> tokens)
    {
        private int _position;

        public bool AtEnd => _position == tokens.Count;

        public OktaSearchExpression ParseOr()
        {
            var left = ParseAnd();
            while (Accept("or"))
            {
                left = new Or(left, ParseAnd());
            }

            return left;
        }

        private OktaSearchExpression ParseAnd()
        {
            var left = ParsePrimary();
            while (Accept("and"))
            {
                left = new And(left, ParsePrimary());
            }

            return left;
        }

        private OktaSearchExpression ParsePrimary()
        {
            if (Accept("("))
            {
                var inner = ParseOr();
                if (!Accept(")"))
                {
                    throw new FormatException("Missing ).");
                }

                return inner;
            }

            var attribute = Next();
            var op = Next().ToLowerInvariant();
            if (op == "pr")
            {
                return new Comparison(attribute, op, null);
            }

            if (op is not ("eq" or "ne" or "gt" or "ge" or "lt" or "le" or "sw" or "co"))
            {
                throw new FormatException("Unknown operator.");
            }

            var value = Next();
            return new Comparison(attribute, op, value.StartsWith('"') ? value[1..^1] : value);
        }

        private bool Accept(string token)
        {
            if (_position < tokens.Count && string.Equals(tokens[_position], token, StringComparison.OrdinalIgnoreCase))
            {
                _position++;
                return true;
            }

            return false;
        }

        private string Next() => _position < tokens.Count ? tokens[_position++] : throw new FormatException("Unexpected end.");
    }

    private sealed class And(OktaSearchExpression left, OktaSearchExpression right) : OktaSearchExpression
    {
        public override bool Matches(JsonObject item) => left.Matches(item) && right.Matches(item);
    }

    private sealed class Or(OktaSearchExpression left, OktaSearchExpression right) : OktaSearchExpression
    {
        public override bool Matches(JsonObject item) => left.Matches(item) || right.Matches(item);
    }

    private sealed class Comparison(string attribute, string op, string? value) : OktaSearchExpression
    {
        public override bool Matches(JsonObject item)
        {
            JsonNode? node = item;
            foreach (var part in attribute.Split('.'))
            {
                node = node is JsonObject o ? o[part] : null;
            }

            var actual = node is JsonValue v ? (v.TryGetValue<string>(out var s) ? s : v.ToJsonString()) : null;
            if (op == "pr")
            {
                return actual is not null;
            }

            if (actual is null || value is null)
            {
                return op == "ne";
            }

            int compare;
            if (DateTimeOffset.TryParse(actual, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var a)
                && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var b))
            {
                compare = a.CompareTo(b);
            }
            else
            {
                compare = string.Compare(actual, value, StringComparison.OrdinalIgnoreCase);
            }

            return op switch
            {
                "eq" => compare == 0,
                "ne" => compare != 0,
                "gt" => compare > 0,
                "ge" => compare >= 0,
                "lt" => compare < 0,
                "le" => compare <= 0,
                "sw" => actual.StartsWith(value, StringComparison.OrdinalIgnoreCase),
                _ => actual.Contains(value, StringComparison.OrdinalIgnoreCase),
            };
        }
    }
}
