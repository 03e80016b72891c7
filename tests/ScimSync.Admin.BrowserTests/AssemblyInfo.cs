// Copyright (c) ScimSync contributors. Licensed under the MIT License.

// Each test class starts a sample host and a chromium: one class at a time keeps a two-core machine responsive.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
