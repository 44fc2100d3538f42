namespace OneFlexTokens.Errors;

/// <summary>
/// User-facing messages, kept so their wording is consistent and reviewable. A message with values is a method with named,
/// typed parameters (not a format string), so a missing or misplaced value fails the build. One class in parts: each folder
/// keeps the messages of its feature in its own Messages.cs, and a message sits in the lowest folder whose code words it, so
/// no folder uses a message of a folder above it (DependencyDirectionTests checks both).
/// </summary>
internal static partial class Messages
{
}
