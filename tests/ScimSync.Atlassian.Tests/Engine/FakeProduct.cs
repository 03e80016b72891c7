// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.Engine;

/// <summary>
/// An in-memory product behind the client contract, to test the engine without HTTP: Jira-like (leads, user
/// properties, refuses to deactivate or delete a lead) and able to fail on demand.
/// </summary>
public sealed class FakeProduct : AtlassianProductClient, IAtlassianLeadership, IAtlassianUserProperties
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AtlassianUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<string>> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string User, string Key), JsonNode> _properties = [];
    private readonly Dictionary<string, string> _projectLeads = new(StringComparer.OrdinalIgnoreCase);
    private int _nextKey;
    private int _failures;
    private AtlassianErrorKind _failureKind;

    public FakeProduct(bool canDeactivate = true)
    {
        CanDeactivateUsers = canDeactivate;
        AddUser("admin");
        _projectLeads["ADMIN"] = "admin";
    }

    public override AtlassianProduct Product => AtlassianProduct.Jira;

    public override bool CanDeactivateUsers { get; }

    /// <summary>Gets or sets a value indicating whether every call fails as if the product were down.</summary>
    public bool Down { get; set; }

    public int Calls { get; private set; }

    /// <summary>Gets or sets an exception the next call throws (a product answer the client could not read, say).</summary>
    public Exception? ThrowNext { get; set; }

    public IReadOnlyDictionary<string, AtlassianUser> Users { get { lock (_gate) { return new Dictionary<string, AtlassianUser>(_users, StringComparer.OrdinalIgnoreCase); } } }

    /// <summary>Starts a test host with one write-through Jira target, "jira", on this product.</summary>
    public Task<AtlassianTestHost> StartHostAsync(Action<AtlassianTargetOptions>? configure = null) =>
        AtlassianTestHost.StartAsync(
            new Dictionary<string, AtlassianProductClient> { ["jira"] = this },
            scim => scim.AddAtlassianTarget("jira", o =>
            {
                o.Product = AtlassianProduct.Jira;
                o.BaseAddress = new Uri("http://127.0.0.1:9/jira/");
                o.PersonalAccessToken = "pat";
                o.Directory = "atlassian";
                o.DefaultGroups.Add("jira-software-users");
                configure?.Invoke(o);
            }));

    public void FailNext(int count, AtlassianErrorKind kind)
    {
        lock (_gate)
        {
            _failures = count;
            _failureKind = kind;
        }
    }

    public AtlassianUser AddUser(string name, bool active = true)
    {
        lock (_gate)
        {
            var user = new AtlassianUser("key" + (++_nextKey), name, name, name + "@example.com", active);
            _users[name] = user;
            return user;
        }
    }

    public void SetActiveByHand(string name, bool active)
    {
        lock (_gate)
        {
            _users[name] = _users[name] with { Active = active };
        }
    }

    public void RemoveMemberByHand(string group, string user)
    {
        lock (_gate)
        {
            _groups[group].Remove(user);
        }
    }

    public void AddMemberByHand(string group, string user)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(group, out var members))
            {
                _groups[group] = members = new(StringComparer.OrdinalIgnoreCase);
            }

            members.Add(user);
        }
    }

    public void SetProjectLead(string project, string user)
    {
        lock (_gate)
        {
            _projectLeads[project] = user;
        }
    }

    public string ProjectLead(string project)
    {
        lock (_gate)
        {
            return _projectLeads[project];
        }
    }

    public IReadOnlySet<string> Members(string group)
    {
        lock (_gate)
        {
            return _groups.TryGetValue(group, out var members) ? new HashSet<string>(members, StringComparer.OrdinalIgnoreCase) : new HashSet<string>();
        }
    }

    public bool HasGroup(string group)
    {
        lock (_gate)
        {
            return _groups.ContainsKey(group);
        }
    }

    public JsonNode? Property(string user, string key)
    {
        lock (_gate)
        {
            return _properties.TryGetValue((user.ToUpperInvariant(), key), out var value) ? value : null;
        }
    }

    public override Task<AtlassianUser?> FindUserAsync(string username, CancellationToken cancellationToken) => Run(() => _users.GetValueOrDefault(username));

    public override Task<AtlassianUser> CreateUserAsync(AtlassianUserData user, CancellationToken cancellationToken) => Run(() =>
    {
        if (_users.ContainsKey(user.Name))
        {
            throw Refused("A user with that username already exists.");
        }

        var created = new AtlassianUser("key" + (++_nextKey), user.Name, user.DisplayName, user.Email, true);
        _users[user.Name] = created;
        return created;
    });

    public override Task<AtlassianUser> UpdateUserAsync(AtlassianUser existing, AtlassianUserData user, CancellationToken cancellationToken) => Run(() =>
    {
        var current = _users[existing.Name];
        _users.Remove(existing.Name);
        var updated = current with { Name = user.Name, DisplayName = user.DisplayName, Email = user.Email };
        _users[user.Name] = updated;
        foreach (var members in _groups.Values)
        {
            if (members.Remove(existing.Name))
            {
                members.Add(user.Name);
            }
        }

        return updated;
    });

    public override Task SetActiveAsync(string username, bool active, CancellationToken cancellationToken) => Run(() =>
    {
        if (!CanDeactivateUsers)
        {
            throw new NotSupportedException();
        }

        if (!active && _projectLeads.Values.Contains(username, StringComparer.OrdinalIgnoreCase))
        {
            throw Refused("The user is a project lead and cannot be deactivated.");
        }

        _users[username] = _users[username] with { Active = active };
        return true;
    });

    public override Task DeleteUserAsync(string username, CancellationToken cancellationToken) => Run(() =>
    {
        if (_projectLeads.Values.Contains(username, StringComparer.OrdinalIgnoreCase))
        {
            throw Refused("Cannot delete a project lead.");
        }

        _users.Remove(username);
        foreach (var members in _groups.Values)
        {
            members.Remove(username);
        }

        return true;
    });

    public override Task<bool> EnsureGroupAsync(string group, CancellationToken cancellationToken) => Run(() =>
    {
        if (_groups.ContainsKey(group))
        {
            return false;
        }

        _groups[group] = new(StringComparer.OrdinalIgnoreCase);
        return true;
    });

    public override Task DeleteGroupAsync(string group, CancellationToken cancellationToken) => Run(() => _groups.Remove(group));

    public override Task AddMembersAsync(string group, IReadOnlyCollection<string> usernames, CancellationToken cancellationToken) => Run(() =>
    {
        if (!_groups.TryGetValue(group, out var members))
        {
            throw new AtlassianProductException(Product, AtlassianErrorKind.NotFound, HttpStatusCode.NotFound, ["No group " + group]);
        }

        foreach (var name in usernames)
        {
            if (!_users.ContainsKey(name))
            {
                throw new AtlassianProductException(Product, AtlassianErrorKind.NotFound, HttpStatusCode.NotFound, ["No user " + name]);
            }

            members.Add(name);
        }

        return true;
    });

    public override Task RemoveMemberAsync(string group, string username, CancellationToken cancellationToken) =>
        Run(() => _groups.TryGetValue(group, out var members) && members.Remove(username));

    public override Task<IReadOnlyList<string>> ListGroupMembersAsync(string group, CancellationToken cancellationToken) => Run<IReadOnlyList<string>>(() =>
        _groups.TryGetValue(group, out var members)
            ? [.. members]
            : throw new AtlassianProductException(Product, AtlassianErrorKind.NotFound, HttpStatusCode.NotFound, ["No group " + group]));

    public override Task<IReadOnlyList<string>> ListGroupsOfUserAsync(string username, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<string>>(() => [.. _groups.Where(g => g.Value.Contains(username)).Select(g => g.Key)]);

    public Task<IReadOnlyList<AtlassianLead>> ListLeadsAsync(string username, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<AtlassianLead>>(() =>
            [.. _projectLeads.Where(p => string.Equals(p.Value, username, StringComparison.OrdinalIgnoreCase)).Select(p => new AtlassianLead(AtlassianLeadKind.Project, p.Key, null, p.Key))]);

    public Task SetLeadAsync(AtlassianLead lead, string username, CancellationToken cancellationToken) => Run(() => _projectLeads[lead.Key] = username);

    public Task SetUserPropertyAsync(string username, string key, JsonNode value, CancellationToken cancellationToken) =>
        Run(() => _properties[(username.ToUpperInvariant(), key)] = value.DeepClone());

    public Task DeleteUserPropertyAsync(string username, string key, CancellationToken cancellationToken) =>
        Run(() => _properties.Remove((username.ToUpperInvariant(), key)));

    public Task<JsonNode?> GetUserPropertyAsync(string username, string key, CancellationToken cancellationToken) =>
        Run(() => _properties.TryGetValue((username.ToUpperInvariant(), key), out var value) ? value.DeepClone() : null);

    private Task<T> Run<T>(Func<T> action)
    {
        lock (_gate)
        {
            Calls++;
            if (ThrowNext is { } exception)
            {
                ThrowNext = null;
                throw exception;
            }

            if (Down)
            {
                throw new AtlassianProductException(Product, AtlassianErrorKind.Unavailable, null, ["down"], TimeSpan.FromSeconds(7));
            }

            if (_failures > 0)
            {
                _failures--;
                throw new AtlassianProductException(Product, _failureKind, _failureKind == AtlassianErrorKind.Unavailable ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.BadRequest, ["injected"]);
            }

            return Task.FromResult(action());
        }
    }

    private AtlassianProductException Refused(string message) =>
        new(Product, AtlassianErrorKind.Refused, HttpStatusCode.BadRequest, [message]);
}
