using System.Text;

namespace OneFlexTokens.Scheduling;

/// <summary>
/// Arguments for a Windows command line, quoted so that the C runtime's (and .NET's) argument parsing gives each back
/// whole: spaces and tabs quoted, embedded quotes escaped, and backslashes doubled only where they precede a quote.
/// </summary>
internal static class WindowsCommandLine
{
    public static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '\n', '\v', '"' }) < 0)
        {
            return argument;
        }

        var quoted = new StringBuilder(argument.Length + 2).Append('"');
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            if (c == '"')
            {
                quoted.Append('\\', (backslashes * 2) + 1).Append('"');
            }
            else
            {
                quoted.Append('\\', backslashes).Append(c);
            }

            backslashes = 0;
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }

    public static string Join(IEnumerable<string> arguments) => string.Join(' ', arguments.Select(Quote));

    /// <summary>The arguments of a command line, as the C runtime (and .NET) splits it: the inverse of <see cref="Join"/>.</summary>
    public static IReadOnlyList<string> Split(string commandLine)
    {
        var arguments = new List<string>();
        var argument = new StringBuilder();
        var inArgument = false;
        var quoted = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (c == '\\')
            {
                var backslashes = 0;
                for (; i < commandLine.Length && commandLine[i] == '\\'; i++)
                {
                    backslashes++;
                }

                if (i < commandLine.Length && commandLine[i] == '"')
                {
                    // 2n backslashes and a quote: n backslashes, and the quote opens or closes; 2n+1: n and a literal quote.
                    argument.Append('\\', backslashes / 2);
                    if (backslashes % 2 == 1)
                    {
                        argument.Append('"');
                    }
                    else
                    {
                        quoted = !quoted;
                    }
                }
                else
                {
                    argument.Append('\\', backslashes);
                    i--;
                }

                inArgument = true;
            }
            else if (c == '"')
            {
                quoted = !quoted;
                inArgument = true;
            }
            else if (c is (' ' or '\t') && !quoted)
            {
                if (inArgument)
                {
                    arguments.Add(argument.ToString());
                    argument.Clear();
                    inArgument = false;
                }
            }
            else
            {
                argument.Append(c);
                inArgument = true;
            }
        }

        if (inArgument)
        {
            arguments.Add(argument.ToString());
        }

        return arguments;
    }
}
