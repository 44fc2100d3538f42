using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using OneFlexTokens.Errors;
using OneFlexTokens.Isolation;
using OneFlexTokens.Platform;

namespace OneFlexTokens.Docker;

/// <summary>Completes -Name with the engine's container names; silent when no engine answers quickly.</summary>
public sealed class ContainerNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Safely(wordToComplete, () => EngineCompletion.ListQuickly(fakeBoundParameters).Select(c => (c.Name, c.Describe())));
}

/// <summary>Completes -ComposeProject with the compose projects the engine's containers belong to.</summary>
public sealed class ComposeProjectCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Safely(wordToComplete, () => EngineCompletion.ListQuickly(fakeBoundParameters)
            .Where(c => c.Project is not null)
            .GroupBy(c => c.Project!)
            .Select(g => (g.Key, $"{g.Key}: {string.Join(", ", g.Select(c => c.Service).Distinct())}")));
}

/// <summary>
/// Completes -Service with the services of a compose file: the one in -ProjectDirectory; with -ComposeProject, the one
/// in the current folder when it is that project's, else the one in the project's folder as the engine knows it (its
/// working_dir label, when that folder is on this machine); with neither, the one in the current folder.
/// </summary>
public sealed class ComposeServiceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Safely(wordToComplete, () =>
        {
            var folder = ComposeFolder(fakeBoundParameters);
            if (folder is null)
            {
                return Array.Empty<(string, string)>();
            }

            return ComposeFile.ServicesIn(folder).Select(service => (service, $"{service} (service in {folder})"));
        });

    private static string? ComposeFolder(IDictionary fakeBoundParameters)
    {
        if (Completion.Text(fakeBoundParameters, "ProjectDirectory") is { } directory)
        {
            return Completion.FileSystemPath(directory);
        }

        var current = Completion.CurrentFolder();
        if (Completion.Text(fakeBoundParameters, "ComposeProject") is not { } project)
        {
            return current;
        }

        var wanted = ComposeProject.Normalise(project);
        if (ComposeFile.FindAll(current).Count > 0 && IsProject(current, wanted))
        {
            return current;
        }

        return EngineCompletion.ListQuickly(fakeBoundParameters)
            .Where(c => c.Project == wanted && c.WorkingDirectory is not null)
            .Select(c => c.WorkingDirectory!)
            .FirstOrDefault(Directory.Exists);
    }

    private static bool IsProject(string folder, string project)
    {
        try
        {
            return ComposeProject.NameFor(HostPlatform.Current, folder) == project;
        }
        catch (OneFlexException)
        {
            return false;
        }
    }
}

/// <summary>What the completers share: never an exception, the typed prefix, quoting, and PowerShell's current folder.</summary>
internal static class Completion
{
    public static IEnumerable<CompletionResult> Safely(string wordToComplete, Func<IEnumerable<(string Value, string Tooltip)>> candidates)
    {
        try
        {
            var typed = (wordToComplete ?? "").Trim('\'', '"');
            return candidates()
                .Where(item => item.Value.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .DistinctBy(item => item.Value)
                .OrderBy(item => item.Value, StringComparer.Ordinal)
                .Select(item => new CompletionResult(Quote(item.Value), item.Value, CompletionResultType.ParameterValue, item.Tooltip))
                .ToArray();
        }
        catch (Exception)
        {
            // A completer must never fail the command line: no engine, no file, a hostile file, all complete to nothing.
            return Array.Empty<CompletionResult>();
        }
    }

    /// <summary>A parameter already on the command line, as text; null when absent or not a plain string.</summary>
    public static string? Text(IDictionary fakeBoundParameters, string name) =>
        (fakeBoundParameters[name] is PSObject wrapped ? wrapped.BaseObject : fakeBoundParameters[name]) is string { Length: > 0 } text ? text : null;

    /// <summary>The session's current file-system folder ($PWD), which relative paths on the command line mean.</summary>
    public static string CurrentFolder() => FileSystemPath(".");

    /// <summary>A path as a cmdlet would take it (relative to $PWD, ~ expanded); as .NET takes it when no session answers.</summary>
    public static string FileSystemPath(string path)
    {
        try
        {
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddScript("$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($args[0])").AddArgument(path);
            if (shell.Invoke().FirstOrDefault()?.BaseObject is string { Length: > 0 } resolved)
            {
                return resolved;
            }
        }
        catch (Exception e) when (e is PSInvalidOperationException or InvalidOperationException or RuntimeException)
        {
            // No runspace on this thread: the process's folder is the best guess.
        }

        return Path.GetFullPath(path);
    }

    private static string Quote(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ';' or '(' or ')' or '{' or '}' or ',') ? "'" + value.Replace("'", "''") + "'" : value;
}

internal static class EngineCompletion
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    /// <summary>The engine's containers (-DockerHost, else the default), within 2 seconds.</summary>
    public static IReadOnlyList<BotContainer> ListQuickly(IDictionary fakeBoundParameters)
    {
        var endpoint = DockerEndpointResolver.Resolve(HostPlatform.Current, Completion.Text(fakeBoundParameters, "DockerHost"));
        using var service = Engine.Get<IDockerConnector>().Connect(endpoint, Budget);
        using var budget = new CancellationTokenSource(Budget);
        return Task.Run(() => service.ListAsync(budget.Token)).GetAwaiter().GetResult();
    }
}
