// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Pull.Internal;

/// <summary>One connection fed by a pull source: its options and its source, both read at the start of each run.</summary>
internal sealed record PullSourceRegistration(string Connection, Func<PullSourceOptions> Options, Func<IIdentitySource> Source);
