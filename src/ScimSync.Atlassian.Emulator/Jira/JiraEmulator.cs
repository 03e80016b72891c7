// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ScimSync.Atlassian.Emulator;

/// <summary>
/// The emulated Jira Data Center: the <c>rest/api/2</c> user, user property, group, group membership, project lead
/// and component lead resources, in memory, with Jira's status codes and error bodies
/// (<c>{"errorMessages":[...],"errors":{...}}</c>).
/// </summary>
/// <remarks>
/// <para>
/// Starts with the administrator (<see cref="EmulatedProduct.AdminUsername"/>, key <c>admin</c>) and the groups
/// <c>jira-software-users</c> and <c>jira-administrators</c>, the administrator a member of both. Users created over
/// REST join <c>jira-software-users</c>, as Jira adds new users to the default group of its default application.
/// Usernames and group names are matched case-insensitively.
/// </para>
/// <para>
/// As Jira does, it refuses (400) to deactivate a project or component lead and to delete a project lead; deleting a
/// component lead clears the component's lead. The seeding and inspection members below change the state directly,
/// as an administrator working in Jira's own screens would, without those checks.
/// </para>
/// </remarks>
public sealed partial class JiraEmulator : EmulatedProduct
{
    /// <summary>The group Jira puts new users in (the default group of Jira Software).</summary>
    public const string DefaultUsersGroup = "jira-software-users";

    /// <summary>The administrators' group.</summary>
    public const string AdministratorsGroup = "jira-administrators";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, JiraUserState> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, JiraGroupState> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, JiraProjectState> _projects = new(StringComparer.OrdinalIgnoreCase);
    private readonly SortedDictionary<long, JiraComponentState> _components = [];
    private long _nextUserId = 10000;
    private long _nextProjectId = 10000;
    private long _nextComponentId = 10000;

    /// <summary>Initializes a new instance of the <see cref="JiraEmulator"/> class.</summary>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public JiraEmulator(TimeProvider? time = null)
        : base("/jira", time)
    {
        var admin = new JiraUserState("admin", AdminUsername, "Administrator", "admin@example.com", true);
        _users.Add(admin.Name, admin);
        foreach (var name in new[] { DefaultUsersGroup, AdministratorsGroup })
        {
            var group = new JiraGroupState(name);
            group.MemberKeys.Add(admin.Key);
            _groups.Add(name, group);
        }
    }

    /// <summary>Gets or sets the most users one page of <c>rest/api/2/group/member</c> holds.</summary>
    /// <value>Defaults to 50, Jira's limit.</value>
    public int MaxResultsLimit
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 50;

    /// <summary>Gets every user, by username.</summary>
    public IReadOnlyList<JiraEmulatedUser> Users
    {
        get
        {
            lock (_gate)
            {
                return [.. _users.Values.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).Select(u => u.Snapshot())];
            }
        }
    }

    /// <summary>Gets every group's name, sorted.</summary>
    public IReadOnlyList<string> GroupNames
    {
        get
        {
            lock (_gate)
            {
                return [.. _groups.Keys.Order(StringComparer.OrdinalIgnoreCase)];
            }
        }
    }

    /// <summary>Adds a user, as an administrator would in Jira's user management.</summary>
    /// <param name="name">The username.</param>
    /// <param name="displayName">The display name; the username when <see langword="null"/>.</param>
    /// <param name="email">The email address; <c>name@example.com</c> when <see langword="null"/>.</param>
    /// <param name="active">Whether the user is active.</param>
    /// <returns>The user.</returns>
    /// <exception cref="InvalidOperationException">A user with that name exists.</exception>
    public JiraEmulatedUser AddUser(string name, string? displayName = null, string? email = null, bool active = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            if (_users.ContainsKey(name))
            {
                throw new InvalidOperationException($"Jira already has a user named '{name}'.");
            }

            return CreateUser(name, displayName ?? name, email ?? name + "@example.com", active).Snapshot();
        }
    }

    /// <summary>Finds a user by username (case-insensitively).</summary>
    /// <param name="name">The username.</param>
    /// <returns>The user, or <see langword="null"/>.</returns>
    public JiraEmulatedUser? FindUser(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            return _users.TryGetValue(name, out var user) ? user.Snapshot() : null;
        }
    }

    /// <summary>
    /// Activates or deactivates a user by hand, as an administrator would in Jira's screens (a manual change that a
    /// reconciliation should notice). Leads are not checked.
    /// </summary>
    /// <param name="name">The username.</param>
    /// <param name="active">Whether the user is active.</param>
    public void SetUserActive(string name, bool active)
    {
        lock (_gate)
        {
            RequireUser(name).Active = active;
        }
    }

    /// <summary>Renames a user by hand; the key stays.</summary>
    /// <param name="name">The username.</param>
    /// <param name="newName">The new username.</param>
    public void RenameUser(string name, string newName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(newName);
        lock (_gate)
        {
            var user = RequireUser(name);
            if (_users.TryGetValue(newName, out var other) && other != user)
            {
                throw new InvalidOperationException($"Jira already has a user named '{newName}'.");
            }

            _users.Remove(user.Name);
            user.Name = newName;
            _users.Add(newName, user);
        }
    }

    /// <summary>Adds a group unless it exists.</summary>
    /// <param name="name">The group name.</param>
    /// <returns><see langword="true"/> when the group was added.</returns>
    public bool AddGroup(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            return _groups.TryAdd(name, new JiraGroupState(name));
        }
    }

    /// <summary>Makes a user a member of a group by hand (the group is created when missing).</summary>
    /// <param name="group">The group name.</param>
    /// <param name="username">The username.</param>
    public void AddToGroup(string group, string username)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        lock (_gate)
        {
            var user = RequireUser(username);
            if (!_groups.TryGetValue(group, out var state))
            {
                state = new JiraGroupState(group);
                _groups.Add(group, state);
            }

            state.MemberKeys.Add(user.Key);
        }
    }

    /// <summary>Removes a user from a group by hand.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="username">The username.</param>
    public void RemoveFromGroup(string group, string username)
    {
        lock (_gate)
        {
            if (_groups.TryGetValue(group, out var state) && _users.TryGetValue(username, out var user))
            {
                state.MemberKeys.Remove(user.Key);
            }
        }
    }

    /// <summary>Lists a group's direct members' usernames, sorted; empty when the group does not exist.</summary>
    /// <param name="group">The group name.</param>
    /// <returns>The usernames.</returns>
    public IReadOnlyList<string> MembersOf(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        lock (_gate)
        {
            return _groups.TryGetValue(group, out var state)
                ? [.. MembersOfLocked(state, includeInactive: true).Select(u => u.Name)]
                : [];
        }
    }

    /// <summary>Lists the groups a user is a direct member of, sorted; empty when the user does not exist.</summary>
    /// <param name="username">The username.</param>
    /// <returns>The group names.</returns>
    public IReadOnlyList<string> GroupsOf(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        lock (_gate)
        {
            return _users.TryGetValue(username, out var user) ? GroupsOfLocked(user) : [];
        }
    }

    /// <summary>Adds a project.</summary>
    /// <param name="key">The project key, for example <c>ABC</c>.</param>
    /// <param name="name">The project name.</param>
    /// <param name="lead">The lead's username.</param>
    /// <returns>The project id.</returns>
    public long AddProject(string key, string name, string lead)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            if (_projects.ContainsKey(key))
            {
                throw new InvalidOperationException($"Jira already has a project with key '{key}'.");
            }

            var project = new JiraProjectState(_nextProjectId++, key, name, RequireUser(lead).Key);
            _projects.Add(key, project);
            return project.Id;
        }
    }

    /// <summary>Adds a component to a project.</summary>
    /// <param name="projectKey">The project key.</param>
    /// <param name="name">The component name.</param>
    /// <param name="lead">The lead's username, or <see langword="null"/> for none.</param>
    /// <returns>The component id.</returns>
    public long AddComponent(string projectKey, string name, string? lead)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            if (!_projects.TryGetValue(projectKey, out var project))
            {
                throw new InvalidOperationException($"Jira has no project with key '{projectKey}'.");
            }

            var component = new JiraComponentState(_nextComponentId++, project.Key, name, lead is null ? null : RequireUser(lead).Key);
            _components.Add(component.Id, component);
            return component.Id;
        }
    }

    /// <summary>Gets a project's lead's username.</summary>
    /// <param name="key">The project key.</param>
    /// <returns>The username, or <see langword="null"/> when there is no such project.</returns>
    public string? ProjectLead(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return _projects.TryGetValue(key, out var project) ? UserByKey(project.LeadKey)?.Name : null;
        }
    }

    /// <summary>Gets a component's lead's username.</summary>
    /// <param name="id">The component id.</param>
    /// <returns>The username, or <see langword="null"/> when the component has no lead or does not exist.</returns>
    public string? ComponentLead(long id)
    {
        lock (_gate)
        {
            return _components.TryGetValue(id, out var component) && component.LeadKey is { } key ? UserByKey(key)?.Name : null;
        }
    }

    /// <summary>Reads a user property.</summary>
    /// <param name="username">The username.</param>
    /// <param name="key">The property key.</param>
    /// <returns>A copy of the value, or <see langword="null"/> when the user or the property does not exist.</returns>
    public JsonNode? UserProperty(string username, string key)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return _users.TryGetValue(username, out var user) && user.Properties.TryGetValue(key, out var value)
                ? value?.DeepClone()
                : null;
        }
    }

    /// <inheritdoc/>
    protected internal override Task WriteErrorAsync(HttpContext context, int status, string message) =>
        WriteErrorsAsync(context, status, [message], null);

    private JiraUserState CreateUser(string name, string displayName, string email, bool active)
    {
        var key = "JIRAUSER" + _nextUserId++.ToString(CultureInfo.InvariantCulture);
        var user = new JiraUserState(key, name, displayName, email, active);
        _users.Add(name, user);
        return user;
    }

    private JiraUserState RequireUser(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _users.TryGetValue(name, out var user)
            ? user
            : throw new InvalidOperationException($"Jira has no user named '{name}'.");
    }

    private JiraUserState? UserByKey(string key) =>
        _users.Values.FirstOrDefault(u => string.Equals(u.Key, key, StringComparison.Ordinal));

    private List<JiraUserState> MembersOfLocked(JiraGroupState group, bool includeInactive) =>
        [.. _users.Values
            .Where(u => group.MemberKeys.Contains(u.Key) && (includeInactive || u.Active))
            .OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase)];

    private List<string> GroupsOfLocked(JiraUserState user) =>
        [.. _groups.Values.Where(g => g.MemberKeys.Contains(user.Key)).Select(g => g.Name).Order(StringComparer.OrdinalIgnoreCase)];
}
