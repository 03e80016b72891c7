// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Samples.EfCore.Data;

/// <summary>An employee row of the application's own HR model. SCIM is mapped onto it; it was not designed for SCIM.</summary>
internal sealed class Employee
{
    public int Id { get; set; }

    /// <summary>The sign-in name; unique ignoring (ASCII) case.</summary>
    public string Login { get; set; } = "";

    public string? Email { get; set; }

    public string? PersonalEmail { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? DisplayName { get; set; }

    public string? JobTitle { get; set; }

    public string? Department { get; set; }

    public string? EmployeeNumber { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>The identity provider's key for this employee; unique, compared case-exactly.</summary>
    public string? ExternalRef { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The optimistic concurrency token, raised by <see cref="AppDbContext"/> on every update.</summary>
    public long RowVersion { get; set; }
}
