// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Samples.EfCore.Data;

/// <summary>A team of the application's model; teams may contain employees and other teams.</summary>
internal sealed class Team
{
    public int Id { get; set; }

    /// <summary>The team name; unique ignoring (ASCII) case.</summary>
    public string Name { get; set; } = "";

    public string? ExternalRef { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long RowVersion { get; set; }

    public List<TeamMembership> Members { get; } = [];
}

/// <summary>One member of a team: exactly one of <see cref="EmployeeId"/> and <see cref="MemberTeamId"/> is set.</summary>
internal sealed class TeamMembership
{
    public int Id { get; set; }

    public int TeamId { get; set; }

    public int? EmployeeId { get; set; }

    public Employee? Employee { get; set; }

    public int? MemberTeamId { get; set; }

    public Team? MemberTeam { get; set; }
}
