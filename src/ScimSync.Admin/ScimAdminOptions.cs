// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Admin;

/// <summary>Options of the operator console.</summary>
public sealed class ScimAdminOptions
{
    /// <summary>Gets or sets the title shown in the console's header and the browser tab.</summary>
    /// <value>Defaults to <c>ScimSync</c>.</value>
    public string Title { get; set; } = "ScimSync";

    /// <summary>
    /// Gets or sets how often the settings are read again from the store, so changes made on another instance of the
    /// host apply here too. Changes made on this instance apply at once.
    /// </summary>
    /// <value>Defaults to 30 seconds; <see cref="TimeSpan.Zero"/> turns the refresh off (a single instance).</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the host's sign-out endpoint (a path that takes a form <c>POST</c> with the anti-forgery token),
    /// shown as a "Sign out" button in the console's header.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: no button.</value>
    public string? SignOutPath { get; set; }

    /// <summary>Gets or sets how many provisioning log entries one page of the console shows.</summary>
    /// <value>Defaults to 50.</value>
    public int LogPageSize { get; set; } = 50;
}
