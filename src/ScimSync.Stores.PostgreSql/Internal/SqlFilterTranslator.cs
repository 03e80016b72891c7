// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using ScimSync.Filtering;
using ScimSync.Patching;
using ScimSync.Schema;

namespace ScimSync.Stores.PostgreSql.Internal;

/// <summary>
/// Translates a filter into a SQL condition over table alias <c>t</c>, with the semantics of
/// <see cref="ScimFilterEvaluator"/>: string comparisons follow <c>caseExact</c>, a multi-valued attribute matches when
/// any value does, <c>ne</c> is the negation of <c>eq</c>, <c>eq null</c> is the negation of <c>pr</c>. Every value
/// (and every attribute name) becomes a parameter; the SQL text holds only fixed table and column names. Every
/// negation settles SQL <c>NULL</c> to false first, so <c>not</c> negates exactly.
/// Returns <see langword="null"/> for a node it cannot translate (the caller then evaluates in memory).
/// </summary>
internal sealed class SqlFilterTranslator : IFilterVisitor<string?>
{
    private readonly PostgreSqlTable _table;
    private readonly ScimResourceTypeDefinition _resourceType;
    private readonly List<NpgsqlParameter> _parameters = [];
    private Scope? _scope;

    public SqlFilterTranslator(PostgreSqlTable table, ScimResourceTypeDefinition resourceType)
    {
        _table = table;
        _resourceType = resourceType;
    }

    public IReadOnlyList<NpgsqlParameter> Parameters => _parameters;

    /// <summary>How an element of a multi-valued attribute is reached inside a value filter.</summary>
    private enum ElementKind
    {
        /// <summary>A jsonb element (<see cref="Scope.Element"/>).</summary>
        Json,

        /// <summary>A row of <c>scimsync_group_members</c> (alias <c>m</c>).</summary>
        Member,

        /// <summary>A row of <c>scimsync_user_emails</c> (alias <c>e</c>): jsonb element plus an indexed value key.</summary>
        Email,
    }

    /// <summary>Translates the whole filter, or returns <see langword="null"/> when any part needs evaluation.</summary>
    public string? TranslateAll(FilterNode filter) => filter.Accept(this);

    /// <summary>
    /// Translates the conjuncts of a top-level <c>and</c> chain that can be translated: a condition every match
    /// satisfies, narrowing the rows to evaluate. <see langword="null"/> when no conjunct can be.
    /// </summary>
    public string? TranslateNecessary(FilterNode filter)
    {
        if (filter is LogicalNode { Operator: LogicalOperator.And } and)
        {
            var left = TranslateNecessary(and.Left);
            var right = TranslateNecessary(and.Right);
            return left is null ? right : right is null ? left : $"({left} AND {right})";
        }

        return filter.Accept(this);
    }

    public string? VisitLogical(LogicalNode node)
    {
        var left = node.Left.Accept(this);
        if (left is null)
        {
            return null;
        }

        var right = node.Right.Accept(this);
        if (right is null)
        {
            return null;
        }

        return node.Operator == LogicalOperator.And ? $"({left} AND {right})" : $"({left} OR {right})";
    }

    public string? VisitNot(NotNode node) => node.Operand.Accept(this) is { } operand ? Not(operand) : null;

    public string? VisitPresent(PresentNode node)
    {
        if (_scope is { } scope)
        {
            return ResolveInScope(scope, node.Path, out var operand) ? operand?.Present() ?? "FALSE" : "FALSE";
        }

        return Root(node.Path) is { } target ? target.Present(this) : "FALSE";
    }

    public string? VisitComparison(ComparisonNode node)
    {
        var value = node.Value;
        var negate = node.Operator == ComparisonOperator.NotEqual;
        if (_scope is { } scope)
        {
            if (!ResolveInScope(scope, node.Path, out var operand))
            {
                return Unknown(node);
            }

            if (operand is null)
            {
                // Known but never stored (a member's $ref): absent.
                return Unknown(node);
            }

            if (value.Kind == FilterValueKind.Null)
            {
                return node.Operator switch
                {
                    ComparisonOperator.Equal => Not(operand.Value.Present()),
                    ComparisonOperator.NotEqual => operand.Value.Present(),
                    _ => null,
                };
            }

            var test = operand.Value.Compare(this, negate ? ComparisonOperator.Equal : node.Operator, value);
            return test is null ? null : negate ? Not(test) : test;
        }

        var target = Root(node.Path);
        if (target is null)
        {
            return Unknown(node);
        }

        if (value.Kind == FilterValueKind.Null)
        {
            var present = target.PresentForComparison(this);
            return present is null ? null : node.Operator switch
            {
                ComparisonOperator.Equal => Not(present),
                ComparisonOperator.NotEqual => present,
                _ => null,
            };
        }

        var sql = target.Compare(this, negate ? ComparisonOperator.Equal : node.Operator, value);
        return sql is null ? null : negate ? Not(sql) : sql;
    }

    public string? VisitValuePath(ValuePathNode node)
    {
        if (_scope is not null || node.Path.SubAttributeName is not null)
        {
            return null;
        }

        var target = Root(node.Path);
        if (target is null)
        {
            return "FALSE";
        }

        return target.ValueFilter(this, node.Filter);
    }

    /// <summary>Builds the sort expression for <c>sortBy</c>, or <see langword="null"/> when the store cannot sort by it.</summary>
    public SortKey? Sort(AttributePath path)
    {
        var target = Root(path);
        return target?.SortKey(this);
    }

    internal string Add(object? value, NpgsqlDbType type)
    {
        var name = "f" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
        _parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return "@" + name;
    }

    // Conditions may be SQL NULL where a value is missing; AND, OR and WHERE treat NULL as false, which is what the
    // evaluator means, so only a negation needs to settle it. Comparisons stay bare so that indexes apply.
    private static string Not(string condition) => $"(NOT COALESCE({condition}, FALSE))";

    private static string Unknown(ComparisonNode node) =>
        node.Operator == ComparisonOperator.NotEqual
            ? (node.Value.Kind != FilterValueKind.Null ? "TRUE" : "FALSE")
            : (node.Operator == ComparisonOperator.Equal && node.Value.Kind == FilterValueKind.Null ? "TRUE" : "FALSE");

    private static string Elements(string json) =>
        $"jsonb_array_elements(CASE WHEN jsonb_typeof({json}) = 'array' THEN {json} ELSE '[]'::jsonb END)";

    private bool ResolveInScope(Scope scope, AttributePath path, out Operand? operand)
    {
        operand = null;
        if (path.SchemaUri is not null || path.SubAttributeName is not null)
        {
            return false;
        }

        if (scope.Parent.FindSubAttribute(path.AttributeName) is { } sub)
        {
            operand = scope.Kind switch
            {
                ElementKind.Member => sub.Name switch
                {
                    "value" => Operand.Text("m.member_id", sub, lowerCaseKey: true),
                    "type" => Operand.Text("m.member_type", sub),
                    "display" => Operand.Text("m.display", sub),
                    _ => null,
                },
                ElementKind.Email when sub.Name == "value" => Operand.Json($"{scope.Element}->{Add(sub.Name, NpgsqlDbType.Text)}", sub) with { KeyColumn = "e.value_key" },
                _ => Operand.Json($"{scope.Element}->{Add(sub.Name, NpgsqlDbType.Text)}", sub),
            };
            return true;
        }

        if (!scope.Parent.IsComplex && path.AttributeName.Equals("value", StringComparison.OrdinalIgnoreCase))
        {
            operand = Operand.Json(scope.Element, scope.Parent);
            return true;
        }

        return false;
    }

    /// <summary>Resolves a path from the resource root, or <see langword="null"/> when no attribute has it.</summary>
    private Target? Root(AttributePath path)
    {
        var resolution = _resourceType.Resolve(path);
        if (resolution is null)
        {
            return null;
        }

        var attribute = resolution.Attribute;
        var sub = resolution.SubAttribute;
        var common = !resolution.IsExtension(_resourceType) && ScimCommonAttributes.Find(attribute.Name) is not null &&
            _resourceType.Schema.FindAttribute(attribute.Name) is null;
        if (common)
        {
            return attribute.Name switch
            {
                "id" => new ColumnTarget(Operand.Text("t.id", attribute)),
                "externalId" => new ColumnTarget(Operand.Text("t.external_id", attribute)),
                "meta" when sub?.Name == "created" => new ColumnTarget(Operand.Timestamp("t.created", sub)),
                "meta" when sub?.Name == "lastModified" => new ColumnTarget(Operand.Timestamp("t.last_modified", sub)),
                _ => new UntranslatableTarget(),
            };
        }

        if (!resolution.IsExtension(_resourceType))
        {
            if (attribute.Name == _table.NameAttribute && sub is null)
            {
                return new ColumnTarget(Operand.Text($"t.{_table.NameColumn}", attribute) with { KeyColumn = $"t.{_table.KeyColumn}" });
            }

            if (_table.HasMembers && attribute.Name == "members")
            {
                return new ElementsTarget(
                    attribute,
                    sub,
                    "scimsync_group_members m WHERE m.directory = t.directory AND m.group_id = t.id",
                    null,
                    ElementKind.Member);
            }

            if (!_table.HasMembers && attribute.Name == "groups")
            {
                // Derived from the membership table on read, never stored.
                return new UntranslatableTarget();
            }

            if (_table.HasEmails && attribute.Name == "emails")
            {
                return new ElementsTarget(
                    attribute,
                    sub,
                    "scimsync_user_emails e WHERE e.directory = t.directory AND e.user_id = t.id",
                    "e.elem",
                    ElementKind.Email);
            }
        }

        var container = resolution.IsExtension(_resourceType) ? $"(t.data->{Add(resolution.Schema.Id, NpgsqlDbType.Text)})" : "t.data";
        var json = $"({container}->{Add(attribute.Name, NpgsqlDbType.Text)})";
        if (attribute.MultiValued)
        {
            return new ElementsTarget(attribute, sub, $"{Elements(json)} AS x(e) WHERE TRUE", "x.e", ElementKind.Json) { Json = json };
        }

        if (attribute.IsComplex)
        {
            return new ComplexTarget(attribute, sub, json);
        }

        return new ColumnTarget(Operand.Json(json, attribute));
    }

    /// <summary>An ORDER BY expression and the SQL type its cursor key is cast back to.</summary>
    internal sealed record SortKey(string Sql, string SqlType);

    /// <summary>Where a value filter's paths point: a multi-valued attribute's element.</summary>
    private sealed record Scope(ScimAttributeDefinition Parent, string Element, ElementKind Kind);

    /// <summary>A scalar to compare: a jsonb expression, a text column or a timestamptz column.</summary>
    private readonly record struct Operand(string Sql, ScimAttributeDefinition Definition, char Kind, bool LowerCaseKey)
    {
        /// <summary>A column holding <see cref="PostgreSqlTable.Fold"/> of the value, used for case-insensitive <c>eq</c>.</summary>
        public string? KeyColumn { get; init; }

        public static Operand Json(string sql, ScimAttributeDefinition definition) => new(sql, definition, 'j', false);

        public static Operand Text(string sql, ScimAttributeDefinition definition, bool lowerCaseKey = false) => new(sql, definition, 's', lowerCaseKey);

        public static Operand Timestamp(string sql, ScimAttributeDefinition definition) => new(sql, definition, 't', false);

        private string TextSql => Kind == 'j' ? $"(CASE WHEN jsonb_typeof({Sql}) = 'string' THEN {Sql} #>> '{{}}' END)" : Sql;

        public string Present() => Kind switch
        {
            'j' => $"scimsync_present({Sql})",
            's' => $"COALESCE({Sql} <> '', FALSE)",
            _ => $"({Sql} IS NOT NULL)",
        };

        public string? Compare(SqlFilterTranslator translator, ComparisonOperator op, FilterValue value)
        {
            var substring = op is ComparisonOperator.Contains or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith;
            var ordering = op is ComparisonOperator.GreaterThan or ComparisonOperator.GreaterThanOrEqual or ComparisonOperator.LessThan or ComparisonOperator.LessThanOrEqual;
            string? sql;
            switch (Definition.Type)
            {
                case ScimAttributeType.Boolean:
                    if (Kind != 'j' || value.Kind != FilterValueKind.Boolean || substring || ordering)
                    {
                        return null;
                    }

                    sql = $"{Sql} = to_jsonb({translator.Add(value.Boolean, NpgsqlDbType.Boolean)})";
                    break;
                case ScimAttributeType.Integer or ScimAttributeType.Decimal:
                    if (Kind != 'j' || value.Kind != FilterValueKind.Number || substring)
                    {
                        return null;
                    }

                    sql = $"(CASE WHEN jsonb_typeof({Sql}) = 'number' THEN ({Sql} #>> '{{}}')::numeric END) {SqlOperator(op)} {translator.Add(value.Number, NpgsqlDbType.Numeric)}";
                    break;
                case ScimAttributeType.DateTime when !substring:
                    if (value.Kind != FilterValueKind.String || !TryParseInstant(value.Text!, out var instant))
                    {
                        return null;
                    }

                    var left = Kind switch { 'j' => $"scimsync_instant({Sql})", 't' => Sql, _ => null };
                    if (left is null)
                    {
                        return null;
                    }

                    sql = $"{left} {SqlOperator(op)} {translator.Add(instant, NpgsqlDbType.TimestampTz)}";
                    break;
                default:
                    if (value.Kind != FilterValueKind.String || Kind == 't' || (ordering && Definition.Type == ScimAttributeType.Binary))
                    {
                        return null;
                    }

                    if (ordering && value.Text!.Contains('\0', StringComparison.Ordinal))
                    {
                        return null;
                    }

                    sql = CompareText(translator, op, value.Text!);
                    break;
            }

            return $"({sql})";
        }

        private string CompareText(SqlFilterTranslator translator, ComparisonOperator op, string text)
        {
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                // PostgreSQL text cannot hold U+0000, so no stored value contains it (nor can the parameter).
                // Orderings with it are left to the evaluator (see Compare).
                return "FALSE";
            }

            if (op == ComparisonOperator.Equal)
            {
                if (Definition.CaseExact)
                {
                    return $"{TextSql} = {translator.Add(text, NpgsqlDbType.Text)}";
                }

                // Index-friendly forms: the folded key column, or ids that are lower case by construction.
                if (KeyColumn is not null)
                {
                    return $"{KeyColumn} = {translator.Add(PostgreSqlTable.Fold(text), NpgsqlDbType.Text)}";
                }

                if (LowerCaseKey)
                {
                    return $"{Sql} = {translator.Add(text.ToLowerInvariant(), NpgsqlDbType.Text)}";
                }
            }

            var left = Definition.CaseExact ? TextSql : $"upper({TextSql})";
            var parameter = translator.Add(text, NpgsqlDbType.Text);
            var right = Definition.CaseExact ? parameter : $"upper({parameter})";
            return op switch
            {
                ComparisonOperator.Equal => $"{left} = {right}",
                ComparisonOperator.Contains => $"strpos({left}, {right}) > 0",
                ComparisonOperator.StartsWith => $"starts_with({left}, {right})",
                ComparisonOperator.EndsWith => $"right({left}, char_length({right})) = {right}",
                _ => $"({left}) COLLATE \"C\" {SqlOperator(op)} {right}",
            };
        }

        private static string SqlOperator(ComparisonOperator op) => op switch
        {
            ComparisonOperator.Equal => "=",
            ComparisonOperator.GreaterThan => ">",
            ComparisonOperator.GreaterThanOrEqual => ">=",
            ComparisonOperator.LessThan => "<",
            ComparisonOperator.LessThanOrEqual => "<=",
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        };

        public SortKey Sort()
        {
            switch (Definition.Type)
            {
                case ScimAttributeType.Boolean when Kind == 'j':
                    return new($"(CASE WHEN jsonb_typeof({Sql}) = 'boolean' THEN ({Sql} #>> '{{}}')::boolean END)", "boolean");
                case ScimAttributeType.Integer or ScimAttributeType.Decimal when Kind == 'j':
                    return new($"(CASE WHEN jsonb_typeof({Sql}) = 'number' THEN ({Sql} #>> '{{}}')::numeric END)", "numeric");
                case ScimAttributeType.DateTime when Kind == 'j':
                    return new($"scimsync_instant({Sql})", "timestamptz");
                case ScimAttributeType.DateTime when Kind == 't':
                    return new(Sql, "timestamptz");
                default:
                    if (KeyColumn is not null)
                    {
                        return new($"({KeyColumn} COLLATE \"C\")", "text");
                    }

                    return new(Definition.CaseExact ? $"({TextSql} COLLATE \"C\")" : $"(upper({TextSql}) COLLATE \"C\")", "text");
            }
        }
    }

    private static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
        return ok;
    }

    /// <summary>What a root path names.</summary>
    private abstract class Target
    {
        public abstract string? Present(SqlFilterTranslator translator);

        /// <summary>Presence as <c>eq null</c> / <c>ne null</c> see it (of the compared sub-attribute).</summary>
        public virtual string? PresentForComparison(SqlFilterTranslator translator) => Present(translator);

        public abstract string? Compare(SqlFilterTranslator translator, ComparisonOperator op, FilterValue value);

        public virtual string? ValueFilter(SqlFilterTranslator translator, FilterNode filter) => null;

        public virtual SortKey? SortKey(SqlFilterTranslator translator) => null;
    }

    private sealed class UntranslatableTarget : Target
    {
        public override string? Present(SqlFilterTranslator translator) => null;

        public override string? Compare(SqlFilterTranslator translator, ComparisonOperator op, FilterValue value) => null;
    }

    /// <summary>A singular simple attribute (a column or a jsonb path).</summary>
    private sealed class ColumnTarget(Operand operand) : Target
    {
        public override string? Present(SqlFilterTranslator translator) => operand.Present();

        public override string? Compare(SqlFilterTranslator translator, ComparisonOperator op, FilterValue value) => operand.Compare(translator, op, value);

        public override SortKey? SortKey(SqlFilterTranslator translator) => operand.Sort();
    }

    /// <summary>A singular complex attribute (<c>name</c>).</summary>
    private sealed class ComplexTarget(ScimAttributeDefinition attribute, ScimAttributeDefinition? sub, string json) : Target
    {
        private Operand? SubOperand(SqlFilterTranslator translator) =>
            sub is null ? null : Operand.Json($"({json}->{translator.Add(sub.Name, NpgsqlDbType.Text)})", sub);

        public override string? Present(SqlFilterTranslator translator) => SubOperand(translator) is { } o ? o.Present() : $"scimsync_present({json})";

        public override string? Compare(SqlFilterTranslator translator, ComparisonOperator op, FilterValue value) =>
            SubOperand(translator)?.Compare(translator, op, value);

        public override string? ValueFilter(SqlFilterTranslator translator, FilterNode filter)
        {
            var inner = translator.InScope(new Scope(attribute, json, ElementKind.Json), filter);
            return inner is null ? null : $"(COALESCE(jsonb_typeof({json}) <> 'null', FALSE) AND {inner})";
        }

        public override SortKey? SortKey(SqlFilterTranslator translator) => SubOperand(translator)?.Sort();
    }

    /// <summary>A multi-valued attribute, reached through a set of elements (jsonb array elements or table rows).</summary>
    private sealed class ElementsTarget(ScimAttributeDefinition attribute, ScimAttributeDefinition? sub, string from, string? element, ElementKind kind) : Target
    {
        /// <summary>The whole attribute as jsonb, when it is stored in the resource document.</summary>
        public string? Json { get; init; }

        private Scope Scope => new(attribute, element ?? "NULL", kind);

        public override string? Present(SqlFilterTranslator translator)
        {
            if (sub is null)
            {
                return kind == ElementKind.Member
                    ? $"EXISTS (SELECT 1 FROM {from})"
                    : $"EXISTS (SELECT 1 FROM {from} AND scimsync_present({element}))";
            }

            return Exists(translator, o => o.Present());
        }

        public override string? PresentForComparison(SqlFilterTranslator translator)
        {
            // "emails eq null" compares each value's "value", like the evaluator.
            if (sub is null && attribute.IsComplex)
            {
                var valueSub = attribute.FindSubAttribute("value");
                return valueSub is null ? null : Exists(translator, o => o.Present(), valueSub);
            }

            return Present(translator);
        }

        public override string? Compare(SqlFilterTranslator translator, ComparisonOperator op, FilterValue value)
        {
            var target = sub;
            if (target is null && attribute.IsComplex)
            {
                target = attribute.FindSubAttribute("value");
                if (target is null)
                {
                    return null;
                }
            }

            return Exists(translator, o => o.Compare(translator, op, value), target);
        }

        public override string? ValueFilter(SqlFilterTranslator translator, FilterNode filter)
        {
            var inner = translator.InScope(Scope, filter);
            return inner is null ? null : $"EXISTS (SELECT 1 FROM {from} AND {inner})";
        }

        public override SortKey? SortKey(SqlFilterTranslator translator)
        {
            // RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary (else first) value.
            if (Json is null)
            {
                return null;
            }

            if (!attribute.IsComplex)
            {
                return Operand.Json($"({Json}->0)", attribute).Sort();
            }

            var target = sub ?? attribute.FindSubAttribute("value");
            if (target is null)
            {
                return null;
            }

            var name = translator.Add(target.Name, NpgsqlDbType.Text);
            var chosen = $"COALESCE((SELECT x.e->{name} FROM {Elements(Json)} AS x(e) WHERE x.e->'primary' = 'true'::jsonb LIMIT 1), {Json}->0->{name})";
            return Operand.Json($"({chosen})", target).Sort();
        }

        private string? Exists(SqlFilterTranslator translator, Func<Operand, string?> test, ScimAttributeDefinition? target = null)
        {
            target ??= sub;
            var path = new AttributePath(null, target?.Name ?? "value");
            if (!translator.ResolveInScope(Scope, path, out var operand))
            {
                return "FALSE";
            }

            if (operand is null)
            {
                return "FALSE";
            }

            var condition = test(operand.Value);
            return condition is null ? null : $"EXISTS (SELECT 1 FROM {from} AND {condition})";
        }
    }

    private string? InScope(Scope scope, FilterNode filter)
    {
        var saved = _scope;
        _scope = scope;
        try
        {
            return filter.Accept(this);
        }
        finally
        {
            _scope = saved;
        }
    }
}
