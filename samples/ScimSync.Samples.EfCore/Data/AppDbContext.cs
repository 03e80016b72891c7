// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.EntityFrameworkCore;

namespace ScimSync.Samples.EfCore.Data;

/// <summary>The application's DbContext: its tables exist for the application, and SCIM is mapped onto them.</summary>
internal sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public DbSet<Employee> Employees => Set<Employee>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<TeamMembership> TeamMemberships => Set<TeamMembership>();

    /// <summary>Raises the concurrency token of every changed employee and team (SQLite has no rowversion type).</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.Metadata.FindProperty(nameof(Employee.RowVersion)) is null)
            {
                continue;
            }

            var version = entry.Property(nameof(Employee.RowVersion));
            if (entry.State == EntityState.Added)
            {
                version.CurrentValue = 1L;
            }
            else if (entry.State == EntityState.Modified)
            {
                version.CurrentValue = (long)version.OriginalValue! + 1;
            }
        }

        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Employee>(e =>
        {
            // NOCASE folds ASCII letters only: "ÄRGER" and "ärger" are different logins to this table.
            e.Property(x => x.Login).UseCollation("NOCASE").HasMaxLength(256);
            e.Property(x => x.Email).UseCollation("NOCASE");
            e.Property(x => x.PersonalEmail).UseCollation("NOCASE");
            e.Property(x => x.DisplayName).UseCollation("NOCASE");
            e.Property(x => x.RowVersion).IsConcurrencyToken();
            e.Property(x => x.CreatedAt).HasConversion(TicksConverter);
            e.Property(x => x.UpdatedAt).HasConversion(TicksConverter);
            e.HasIndex(x => x.Login).IsUnique();
            e.HasIndex(x => x.ExternalRef).IsUnique();
            e.HasIndex(x => x.Email);
            e.HasIndex(x => x.PersonalEmail);
        });

        modelBuilder.Entity<Team>(t =>
        {
            t.Property(x => x.Name).UseCollation("NOCASE").HasMaxLength(256);
            t.Property(x => x.RowVersion).IsConcurrencyToken();
            t.Property(x => x.CreatedAt).HasConversion(TicksConverter);
            t.Property(x => x.UpdatedAt).HasConversion(TicksConverter);
            t.HasIndex(x => x.Name).IsUnique();
            t.HasIndex(x => x.ExternalRef).IsUnique();
            t.HasMany(x => x.Members).WithOne().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TeamMembership>(m =>
        {
            m.HasOne(x => x.Employee).WithMany().HasForeignKey(x => x.EmployeeId).OnDelete(DeleteBehavior.Cascade);
            m.HasOne(x => x.MemberTeam).WithMany().HasForeignKey(x => x.MemberTeamId).OnDelete(DeleteBehavior.Cascade);
            m.HasIndex(x => new { x.TeamId, x.EmployeeId }).IsUnique();
            m.HasIndex(x => new { x.TeamId, x.MemberTeamId }).IsUnique();
            m.ToTable(x => x.HasCheckConstraint("CK_TeamMembership_OneMember", "(\"EmployeeId\" IS NULL) <> (\"MemberTeamId\" IS NULL)"));
        });
    }

    // UTC ticks: exact round trips, and SQLite can compare and sort them (it cannot compare DateTimeOffset text).
    private static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long> TicksConverter =
        new(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}
