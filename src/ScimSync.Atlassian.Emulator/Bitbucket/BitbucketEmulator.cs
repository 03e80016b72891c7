// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ScimSync.Atlassian.Emulator;

/// <summary>
/// The emulated Bitbucket Data Center: the user and group administration routes of its REST API (the "Permission
/// management" group of the 8.x and 9.x references), with users, groups and memberships in memory.
/// </summary>
/// <remarks>
/// <para>
/// Routes, under <c>rest/api/latest</c> and <c>rest/api/1.0</c>: <c>GET|POST|PUT|DELETE admin/users</c>,
/// <c>POST admin/users/rename</c>, <c>POST admin/users/add-groups</c>, <c>POST admin/users/remove-group</c>,
/// <c>GET admin/users/more-members</c>, <c>GET|POST|DELETE admin/groups</c>, <c>POST admin/groups/add-users</c>,
/// <c>POST admin/groups/remove-user</c>, <c>GET admin/groups/more-members</c> and <c>GET users/{userSlug}</c>. Pages
/// carry <c>size</c>, <c>limit</c>, <c>start</c>, <c>isLastPage</c>, <c>values</c> and <c>nextPageStart</c>; errors
/// carry Bitbucket's body <c>{"errors": [{"context", "message", "exceptionName"}]}</c>.
/// </para>
/// <para>
/// Bitbucket's REST API cannot deactivate users; <see cref="SetActive"/> stands for a change in the user directory.
/// It starts with the administrator (<see cref="EmulatedProduct.AdminUsername"/>, id 1) in the default group
/// <c>stash-users</c>. Thread-safe.
/// </para>
/// </remarks>
public sealed class BitbucketEmulator : EmulatedProduct
{
    /// <summary>Bitbucket's default group, which <c>addToDefaultGroup=true</c> adds new users to.</summary>
    public const string DefaultGroup = "stash-users";

    private const string NoSuchUser = "com.atlassian.bitbucket.user.NoSuchUserException";
    private const string NoSuchGroup = "com.atlassian.bitbucket.user.NoSuchGroupException";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, BitbucketUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<int>> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _groupNames = new(StringComparer.OrdinalIgnoreCase);
    private int _nextId;

    /// <summary>Initializes a new instance of the <see cref="BitbucketEmulator"/> class.</summary>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public BitbucketEmulator(TimeProvider? time = null)
        : base("/bitbucket", time)
    {
        AddGroup(DefaultGroup);
        AddUser(AdminUsername, "Administrator", "admin@example.com");
        AddMembership(DefaultGroup, AdminUsername);
    }

    /// <summary>Gets or sets the most values one page holds, whatever <c>limit</c> a request asks for.</summary>
    /// <value>Defaults to 1000, Bitbucket's default maximum page size.</value>
    public int MaxPageSize
    {
        get => Volatile.Read(ref field);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref field, value);
        }
    } = 1000;

    /// <summary>Gets a snapshot of every user, ordered by name.</summary>
    public IReadOnlyList<BitbucketUser> Users
    {
        get
        {
            lock (_gate)
            {
                return [.. _users.Values.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase)];
            }
        }
    }

    /// <summary>Gets a snapshot of the group names, ordered.</summary>
    public IReadOnlyList<string> GroupNames
    {
        get
        {
            lock (_gate)
            {
                return [.. _groupNames.Values.OrderBy(g => g, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Adds a user, as an administrator would in Bitbucket's user administration.</summary>
    /// <param name="name">The username.</param>
    /// <param name="displayName">The display name.</param>
    /// <param name="email">The email address.</param>
    /// <param name="active">Whether the user is active.</param>
    /// <returns>The user.</returns>
    /// <exception cref="InvalidOperationException">The username is taken.</exception>
    public BitbucketUser AddUser(string name, string displayName, string email, bool active = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(displayName);
        ArgumentNullException.ThrowIfNull(email);
        lock (_gate)
        {
            if (_users.ContainsKey(name))
            {
                throw new InvalidOperationException($"The user '{name}' exists.");
            }

            var user = new BitbucketUser(++_nextId, name, Slug(name), displayName, email, active);
            _users[name] = user;
            return user;
        }
    }

    /// <summary>Finds a user by username, case-insensitively.</summary>
    /// <param name="name">The username.</param>
    /// <returns>The user, or <see langword="null"/>.</returns>
    public BitbucketUser? FindUser(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            return _users.GetValueOrDefault(name);
        }
    }

    /// <summary>
    /// Activates or deactivates a user, as a change in its user directory would (Bitbucket's REST API cannot).
    /// </summary>
    /// <param name="name">The username.</param>
    /// <param name="active">Whether the user is active.</param>
    /// <exception cref="KeyNotFoundException">No such user.</exception>
    public void SetActive(string name, bool active)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            var user = _users.GetValueOrDefault(name) ?? throw new KeyNotFoundException($"No user '{name}'.");
            _users[user.Name] = user with { Active = active };
        }
    }

    /// <summary>Adds a group by hand; an existing group is left as it is.</summary>
    /// <param name="group">The group name.</param>
    public void AddGroup(string group)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        lock (_gate)
        {
            if (!_groups.ContainsKey(group))
            {
                _groups[group] = [];
                _groupNames[group] = group;
            }
        }
    }

    /// <summary>Adds a membership by hand, as an administrator would in Bitbucket.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="name">The username.</param>
    /// <exception cref="KeyNotFoundException">No such group or user.</exception>
    public void AddMembership(string group, string name)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            var members = _groups.GetValueOrDefault(group) ?? throw new KeyNotFoundException($"No group '{group}'.");
            var user = _users.GetValueOrDefault(name) ?? throw new KeyNotFoundException($"No user '{name}'.");
            members.Add(user.Id);
        }
    }

    /// <summary>Gets the usernames of a group's members, ordered.</summary>
    /// <param name="group">The group name.</param>
    /// <returns>The usernames; empty when the group does not exist.</returns>
    public IReadOnlyList<string> MembersOf(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        lock (_gate)
        {
            return _groups.TryGetValue(group, out var members) ? [.. MembersLocked(members).Select(u => u.Name)] : [];
        }
    }

    /// <summary>Gets the names of the groups a user is a member of, ordered.</summary>
    /// <param name="name">The username.</param>
    /// <returns>The group names.</returns>
    public IReadOnlyList<string> GroupsOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            return _users.TryGetValue(name, out var user) ? GroupsLocked(user.Id) : [];
        }
    }

    /// <inheritdoc/>
    protected internal override void MapRoutes(IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        foreach (var api in new[] { "rest/api/latest", "rest/api/1.0" })
        {
            routes.MapGet($"{api}/admin/users", GetUsersAsync);
            routes.MapPost($"{api}/admin/users", CreateUserAsync);
            routes.MapPut($"{api}/admin/users", UpdateUserAsync);
            routes.MapDelete($"{api}/admin/users", DeleteUserAsync);
            routes.MapPost($"{api}/admin/users/rename", RenameUserAsync);
            routes.MapPost($"{api}/admin/users/add-groups", AddUserToGroupsAsync);
            routes.MapPost($"{api}/admin/users/remove-group", context => RemoveMembershipAsync(context, userIsContext: true));
            routes.MapGet($"{api}/admin/users/more-members", GetGroupsOfUserAsync);
            routes.MapGet($"{api}/admin/groups", GetGroupsAsync);
            routes.MapPost($"{api}/admin/groups", CreateGroupAsync);
            routes.MapDelete($"{api}/admin/groups", DeleteGroupAsync);
            routes.MapPost($"{api}/admin/groups/add-users", AddUsersToGroupAsync);
            routes.MapPost($"{api}/admin/groups/remove-user", context => RemoveMembershipAsync(context, userIsContext: false));
            routes.MapGet($"{api}/admin/groups/more-members", GetMembersAsync);
            routes.MapGet($"{api}/users/{{userSlug}}", GetUserBySlugAsync);
        }
    }

    /// <inheritdoc/>
    protected internal override Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        var exception = status switch
        {
            StatusCodes.Status401Unauthorized => "com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException",
            StatusCodes.Status403Forbidden => "com.atlassian.bitbucket.AuthorisationException",
            StatusCodes.Status429TooManyRequests => "com.atlassian.bitbucket.throttle.ThrottledException",
            >= 500 => "com.atlassian.bitbucket.ServiceException",
            _ => null,
        };
        return ErrorAsync(context, status, message, exception);
    }

    private static Task ErrorAsync(HttpContext context, int status, string message, string? exceptionName, string? errorContext = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var error = new JsonObject
        {
            ["context"] = errorContext,
            ["message"] = message,
            ["exceptionName"] = exceptionName,
        };
        return ConfluenceBitbucketJson.WriteAsync(context, status, new JsonObject { ["errors"] = new JsonArray(error) });
    }

    private static string Slug(string name)
    {
        var slug = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        return slug.ToString();
    }

    private static JsonObject UserJson(BitbucketUser user) => new()
    {
        ["name"] = user.Name,
        ["emailAddress"] = user.Email,
        ["active"] = user.Active,
        ["displayName"] = user.DisplayName,
        ["id"] = user.Id,
        ["slug"] = user.Slug,
        ["type"] = "NORMAL",
        ["directoryName"] = "Bitbucket Internal Directory",
        ["deletable"] = true,
        ["mutableDetails"] = true,
        ["mutableGroups"] = true,
        ["links"] = new JsonObject { ["self"] = new JsonArray(new JsonObject { ["href"] = "/bitbucket/users/" + user.Slug }) },
    };

    private static JsonObject GroupJson(string name) => new() { ["name"] = name, ["deletable"] = true };

    private static string Query(HttpContext context, string name) => context.Request.Query[name].ToString();

    private static bool Matches(BitbucketUser user, string filter) =>
        filter.Length == 0
        || user.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)
        || user.DisplayName.Contains(filter, StringComparison.OrdinalIgnoreCase)
        || user.Email.Contains(filter, StringComparison.OrdinalIgnoreCase);

    private IEnumerable<BitbucketUser> MembersLocked(HashSet<int> ids) =>
        _users.Values.Where(u => ids.Contains(u.Id)).OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase);

    private List<string> GroupsLocked(int id) =>
        [.. _groups.Where(g => g.Value.Contains(id)).Select(g => _groupNames[g.Key]).OrderBy(g => g, StringComparer.Ordinal)];

    private Task PageAsync(HttpContext context, List<JsonObject> all)
    {
        var start = ConfluenceBitbucketJson.Query(context, "start", 0);
        var limit = Math.Min(Math.Max(ConfluenceBitbucketJson.Query(context, "limit", 25), 1), MaxPageSize);
        var page = all.Skip(start).Take(limit).ToList();
        var values = new JsonArray();
        foreach (var value in page)
        {
            values.Add(value);
        }

        var isLastPage = start + page.Count >= all.Count;
        var body = new JsonObject
        {
            ["size"] = page.Count,
            ["limit"] = limit,
            ["isLastPage"] = isLastPage,
            ["values"] = values,
            ["start"] = start,
        };
        if (!isLastPage)
        {
            body["nextPageStart"] = start + page.Count;
        }

        return ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private Task GetUsersAsync(HttpContext context)
    {
        var filter = Query(context, "filter");
        List<JsonObject> users;
        lock (_gate)
        {
            users = [.. _users.Values.Where(u => Matches(u, filter)).OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).Select(UserJson)];
        }

        return PageAsync(context, users);
    }

    private Task GetUserBySlugAsync(HttpContext context)
    {
        var slug = context.Request.RouteValues["userSlug"] as string ?? string.Empty;
        BitbucketUser? user;
        lock (_gate)
        {
            user = _users.Values.FirstOrDefault(u => string.Equals(u.Slug, slug, StringComparison.OrdinalIgnoreCase));
        }

        return user is null
            ? ErrorAsync(context, StatusCodes.Status404NotFound, $"User {slug} does not exist.", NoSuchUser)
            : ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status200OK, UserJson(user));
    }

    private Task CreateUserAsync(HttpContext context)
    {
        var name = Query(context, "name");
        var displayName = Query(context, "displayName");
        var email = Query(context, "emailAddress");
        var password = Query(context, "password");
        var notify = bool.TryParse(Query(context, "notify"), out var n) && n;
        var addToDefaultGroup = !bool.TryParse(Query(context, "addToDefaultGroup"), out var d) || d;
        if (name.Length == 0 || displayName.Length == 0 || email.Length == 0)
        {
            return ErrorAsync(context, StatusCodes.Status400BadRequest, "The name, displayName and emailAddress parameters are required.", "com.atlassian.bitbucket.validation.ArgumentValidationException");
        }

        if (!notify && password.Length == 0)
        {
            return ErrorAsync(context, StatusCodes.Status400BadRequest, "A password is required when notify is false.", "com.atlassian.bitbucket.validation.ArgumentValidationException", "password");
        }

        bool created;
        lock (_gate)
        {
            created = !_users.ContainsKey(name);
            if (created)
            {
                var user = new BitbucketUser(++_nextId, name, Slug(name), displayName, email, true);
                _users[name] = user;
                if (addToDefaultGroup && _groups.TryGetValue(DefaultGroup, out var members))
                {
                    members.Add(user.Id);
                }
            }
        }

        return created
            ? ConfluenceBitbucketJson.NoContent(context)
            : ErrorAsync(context, StatusCodes.Status409Conflict, $"A user with the name '{name}' already exists.", "com.atlassian.bitbucket.IntegrityException");
    }

    private async Task UpdateUserAsync(HttpContext context)
    {
        var body = await ConfluenceBitbucketJson.ReadObjectAsync(context).ConfigureAwait(false);

        // UserUpdate has name, displayName and email only: anything else (such as "active") is refused, as Bitbucket does.
        if (body?.Select(p => p.Key).FirstOrDefault(k => k is not ("name" or "displayName" or "email")) is { } unknown)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, $"Unrecognized field \"{unknown}\" (Class com.atlassian.stash.internal.rest.user.json.UserUpdate), not marked as ignorable", null).ConfigureAwait(false);
            return;
        }

        var name = ConfluenceBitbucketJson.String(body, "name");
        if (string.IsNullOrEmpty(name))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "The name of the user to update is required.", "com.atlassian.bitbucket.validation.ArgumentValidationException", "name").ConfigureAwait(false);
            return;
        }

        BitbucketUser? user;
        lock (_gate)
        {
            user = _users.GetValueOrDefault(name);
            if (user is not null)
            {
                user = user with
                {
                    DisplayName = ConfluenceBitbucketJson.String(body, "displayName") ?? user.DisplayName,
                    Email = ConfluenceBitbucketJson.String(body, "email") ?? user.Email,
                };
                _users[user.Name] = user;
            }
        }

        await (user is null
            ? ErrorAsync(context, StatusCodes.Status404NotFound, $"User {name} does not exist.", NoSuchUser)
            : ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status200OK, UserJson(user))).ConfigureAwait(false);
    }

    private Task DeleteUserAsync(HttpContext context)
    {
        var name = Query(context, "name");
        if (name.Equals(AdminUsername, StringComparison.OrdinalIgnoreCase))
        {
            return ErrorAsync(context, StatusCodes.Status409Conflict, "You cannot delete yourself.", "com.atlassian.bitbucket.user.UserSelfDeletionException");
        }

        BitbucketUser? user;
        lock (_gate)
        {
            if (_users.Remove(name, out user))
            {
                foreach (var members in _groups.Values)
                {
                    members.Remove(user.Id);
                }
            }
        }

        return user is null
            ? ErrorAsync(context, StatusCodes.Status404NotFound, $"User {name} does not exist.", NoSuchUser)
            : ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status200OK, UserJson(user));
    }

    private async Task RenameUserAsync(HttpContext context)
    {
        var body = await ConfluenceBitbucketJson.ReadObjectAsync(context).ConfigureAwait(false);
        var name = ConfluenceBitbucketJson.String(body, "name") ?? string.Empty;
        var newName = ConfluenceBitbucketJson.String(body, "newName") ?? string.Empty;
        if (name.Length == 0 || string.IsNullOrWhiteSpace(newName))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "The name and newName are required.", "com.atlassian.bitbucket.validation.ArgumentValidationException").ConfigureAwait(false);
            return;
        }

        BitbucketUser? user;
        var taken = false;
        lock (_gate)
        {
            user = _users.GetValueOrDefault(name);
            if (user is not null && !string.Equals(user.Name, newName, StringComparison.OrdinalIgnoreCase) && _users.ContainsKey(newName))
            {
                taken = true;
            }
            else if (user is not null)
            {
                _users.Remove(user.Name);
                user = user with { Name = newName, Slug = Slug(newName) };
                _users[newName] = user;
            }
        }

        if (taken)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, $"A user with the name '{newName}' already exists.", "com.atlassian.bitbucket.validation.ArgumentValidationException", "newName").ConfigureAwait(false);
            return;
        }

        await (user is null
            ? ErrorAsync(context, StatusCodes.Status404NotFound, $"User {name} does not exist.", NoSuchUser)
            : ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status200OK, UserJson(user))).ConfigureAwait(false);
    }

    private Task GetGroupsAsync(HttpContext context)
    {
        var filter = Query(context, "filter");
        List<JsonObject> groups;
        lock (_gate)
        {
            groups = [.. _groupNames.Values.Where(g => g.Contains(filter, StringComparison.OrdinalIgnoreCase)).OrderBy(g => g, StringComparer.Ordinal).Select(GroupJson)];
        }

        return PageAsync(context, groups);
    }

    private Task CreateGroupAsync(HttpContext context)
    {
        var name = Query(context, "name");
        if (string.IsNullOrWhiteSpace(name))
        {
            return ErrorAsync(context, StatusCodes.Status400BadRequest, "The name parameter is required.", "com.atlassian.bitbucket.validation.ArgumentValidationException", "name");
        }

        bool created;
        lock (_gate)
        {
            created = !_groups.ContainsKey(name);
            if (created)
            {
                _groups[name] = [];
                _groupNames[name] = name;
            }
        }

        return created
            ? ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status200OK, GroupJson(name))
            : ErrorAsync(context, StatusCodes.Status409Conflict, $"The group '{name}' already exists.", "com.atlassian.bitbucket.user.DuplicateGroupException");
    }

    private Task DeleteGroupAsync(HttpContext context)
    {
        var name = Query(context, "name");
        string? removed = null;
        lock (_gate)
        {
            if (_groups.Remove(name))
            {
                _groupNames.Remove(name, out removed);
            }
        }

        return removed is null
            ? ErrorAsync(context, StatusCodes.Status404NotFound, $"Group {name} does not exist.", NoSuchGroup)
            : ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status200OK, GroupJson(removed));
    }

    private async Task AddUsersToGroupAsync(HttpContext context)
    {
        var body = await ConfluenceBitbucketJson.ReadObjectAsync(context).ConfigureAwait(false);
        var group = ConfluenceBitbucketJson.String(body, "group") ?? string.Empty;
        var users = (body?["users"] as JsonArray ?? []).Select(u => u?.GetValue<string>() ?? string.Empty).ToList();
        await AddAsync(context, [group], users).ConfigureAwait(false);
    }

    private async Task AddUserToGroupsAsync(HttpContext context)
    {
        var body = await ConfluenceBitbucketJson.ReadObjectAsync(context).ConfigureAwait(false);
        var user = ConfluenceBitbucketJson.String(body, "user") ?? string.Empty;
        var groups = (body?["groups"] as JsonArray ?? []).Select(g => g?.GetValue<string>() ?? string.Empty).ToList();
        await AddAsync(context, groups, [user]).ConfigureAwait(false);
    }

    private Task AddAsync(HttpContext context, List<string> groups, List<string> users)
    {
        string? missingGroup;
        string? missingUser = null;
        lock (_gate)
        {
            // All or nothing: every group and user must exist before anything changes.
            missingGroup = groups.Find(g => !_groups.ContainsKey(g));
            if (missingGroup is null)
            {
                missingUser = users.Find(u => !_users.ContainsKey(u));
            }

            if (missingGroup is null && missingUser is null)
            {
                foreach (var group in groups)
                {
                    foreach (var user in users)
                    {
                        _groups[group].Add(_users[user].Id);
                    }
                }
            }
        }

        return (missingGroup, missingUser) switch
        {
            ({ } group, _) => ErrorAsync(context, StatusCodes.Status404NotFound, $"Group {group} does not exist.", NoSuchGroup),
            (_, { } user) => ErrorAsync(context, StatusCodes.Status404NotFound, $"User {user} does not exist.", NoSuchUser),
            _ => ConfluenceBitbucketJson.NoContent(context, StatusCodes.Status200OK),
        };
    }

    private async Task RemoveMembershipAsync(HttpContext context, bool userIsContext)
    {
        var body = await ConfluenceBitbucketJson.ReadObjectAsync(context).ConfigureAwait(false);
        var contextValue = ConfluenceBitbucketJson.String(body, "context") ?? string.Empty;
        var item = ConfluenceBitbucketJson.String(body, "itemName") ?? string.Empty;
        var (username, group) = userIsContext ? (contextValue, item) : (item, contextValue);
        bool userFound;
        var groupFound = false;
        lock (_gate)
        {
            userFound = _users.TryGetValue(username, out var user);
            if (userFound && _groups.TryGetValue(group, out var members))
            {
                groupFound = true;
                members.Remove(user!.Id);
            }
        }

        var answer = (userFound, groupFound) switch
        {
            (false, _) => ErrorAsync(context, StatusCodes.Status404NotFound, $"User {username} does not exist.", NoSuchUser),
            (_, false) => ErrorAsync(context, StatusCodes.Status404NotFound, $"Group {group} does not exist.", NoSuchGroup),
            _ => ConfluenceBitbucketJson.NoContent(context, StatusCodes.Status200OK),
        };
        await answer.ConfigureAwait(false);
    }

    private Task GetMembersAsync(HttpContext context)
    {
        var group = Query(context, "context");
        var filter = Query(context, "filter");
        List<JsonObject>? members = null;
        lock (_gate)
        {
            if (_groups.TryGetValue(group, out var ids))
            {
                members = [.. MembersLocked(ids).Where(u => Matches(u, filter)).Select(UserJson)];
            }
        }

        return members is null
            ? ErrorAsync(context, StatusCodes.Status404NotFound, $"Group {group} does not exist.", NoSuchGroup)
            : PageAsync(context, members);
    }

    private Task GetGroupsOfUserAsync(HttpContext context)
    {
        var username = Query(context, "context");
        var filter = Query(context, "filter");
        List<JsonObject>? groups = null;
        lock (_gate)
        {
            if (_users.TryGetValue(username, out var user))
            {
                groups = [.. GroupsLocked(user.Id).Where(g => g.Contains(filter, StringComparison.OrdinalIgnoreCase)).Select(GroupJson)];
            }
        }

        return groups is null
            ? ErrorAsync(context, StatusCodes.Status404NotFound, $"User {username} does not exist.", NoSuchUser)
            : PageAsync(context, groups);
    }
}
