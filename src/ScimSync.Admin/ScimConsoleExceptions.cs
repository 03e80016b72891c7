// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Admin;

/// <summary>A console change was refused because it is not valid; nothing was changed.</summary>
public sealed class ScimConsoleValidationException : Exception
{
    /// <summary>Initializes a new instance with a generic message.</summary>
    public ScimConsoleValidationException()
        : this([])
    {
    }

    /// <summary>Initializes a new instance for one problem of one field.</summary>
    /// <param name="field">The field (form name) the problem is about.</param>
    /// <param name="problem">What is wrong, as a sentence for the operator.</param>
    public ScimConsoleValidationException(string field, string problem)
        : base(problem)
    {
        Field = field;
        Problems = [problem];
    }

    /// <summary>Initializes a new instance for the problems the server configuration's validation found.</summary>
    /// <param name="problems">The problems, each starting with the setting's path.</param>
    public ScimConsoleValidationException(IReadOnlyList<string> problems)
        : base(problems is null || problems.Count == 0 ? "The change is not valid." : string.Join(" ", problems))
    {
        Problems = problems ?? [];
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ScimConsoleValidationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Gets the field the problem is about, or <see langword="null"/> when the problems name their settings.</summary>
    public string? Field { get; }

    /// <summary>Gets the problems.</summary>
    public IReadOnlyList<string> Problems { get; } = [];
}

/// <summary>
/// A console change was refused because the connection's settings changed since they were read (by another operator
/// or another instance of the host); nothing was changed. Read them again and repeat the change.
/// </summary>
public sealed class ScimConsoleConflictException : Exception
{
    /// <summary>Initializes a new instance with a generic message.</summary>
    public ScimConsoleConflictException()
        : base("The settings changed since they were read; read them again.")
    {
    }

    /// <summary>Initializes a new instance for a connection.</summary>
    /// <param name="connection">The connection whose settings changed.</param>
    public ScimConsoleConflictException(string connection)
        : base($"The settings of '{connection}' changed since they were read (another operator or instance saved first); nothing was changed. Reload and try again.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What changed.</param>
    /// <param name="innerException">The cause.</param>
    public ScimConsoleConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
