using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using OneFlexTokens.Common;

namespace OneFlexTokens.Docker;

/// <summary>Completes -Name with the engine's container names; silent when no engine answers quickly.</summary>
public sealed class ContainerNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        EngineCompletion.Complete(fakeBoundParameters, wordToComplete, containers => containers.Select(c => (c.Name, c.Describe())));
}

/// <summary>Completes -ComposeProject with the compose projects the engine's containers belong to.</summary>
public sealed class ComposeProjectCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        EngineCompletion.Complete(fakeBoundParameters, wordToComplete, containers => containers
            .Where(c => c.Project is not null)
            .GroupBy(c => c.Project!)
            .Select(g => (g.Key, $"{g.Key}: {string.Join(", ", g.Select(c => c.Service).Distinct())}")));
}

internal static class EngineCompletion
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public static IEnumerable<CompletionResult> Complete(IDictionary fakeBoundParameters, string wordToComplete, Func<IReadOnlyList<BotContainer>, IEnumerable<(string Value, string Tooltip)>> choose)
    {
        try
        {
            var host = fakeBoundParameters["DockerHost"] as string;
            var containers = ListQuickly(host);
            var typed = (wordToComplete ?? "").Trim('\'', '"');
            return choose(containers)
                .Where(item => item.Value.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .DistinctBy(item => item.Value)
                .OrderBy(item => item.Value, StringComparer.Ordinal)
                .Select(item => new CompletionResult(Quote(item.Value), item.Value, CompletionResultType.ParameterValue, item.Tooltip))
                .ToArray();
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }

    private static IReadOnlyList<BotContainer> ListQuickly(string? host)
    {
        var endpoint = DockerEndpointResolver.Resolve(HostPlatform.Current, host);
        using var service = new DockerBotService(endpoint, Budget);
        using var budget = new CancellationTokenSource(Budget);
        return Task.Run(() => service.ListAsync(budget.Token)).GetAwaiter().GetResult();
    }

    private static string Quote(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ';' or '(' or ')' or '{' or '}' or ',') ? "'" + value.Replace("'", "''") + "'" : value;
}
