// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Samples.EfCore.Scim;

/// <summary>Settings of the SCIM stores over the application's tables.</summary>
internal sealed class ScimTablesOptions
{
    /// <summary>
    /// Gets or sets how many rows a filter that cannot be translated to SQL may examine (after any translatable
    /// <c>and</c> operands narrowed them). Beyond it the list is refused with <c>tooMany</c>.
    /// </summary>
    /// <value>Defaults to 1,000.</value>
    public int MaxScannedRows { get; set; } = 1000;
}
