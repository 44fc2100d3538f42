using System.Management.Automation;
using System.Text;
using OneFlexTokens.Errors;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Docker;

/// <summary>
/// Variable substitution in a compose file value, as the compose specification defines it: <c>$VAR</c> and <c>${VAR}</c>;
/// <c>${VAR:-default}</c> (unset or empty) and <c>${VAR-default}</c> (unset); <c>${VAR:?error}</c> and <c>${VAR?error}</c>
/// (required); <c>${VAR:+replacement}</c> and <c>${VAR+replacement}</c>; defaults nest (<c>${A:-${B}}</c>); <c>$$</c> is a
/// literal <c>$</c>. An unset variable without a default is empty, as compose makes it (compose also warns).
/// </summary>
internal static class ComposeInterpolation
{
    /// <summary>Nesting deeper than this is not a compose file anyone writes: refused rather than recursed into.</summary>
    private const int MaxDepth = 16;

    /// <param name="lookup">A variable's value, or null when it is unset (the environment first, then the project's .env).</param>
    /// <param name="where">What the value is (a file and key), for the error.</param>
    /// <exception cref="OneFlexException">ComposeInterpolationFailed: a malformed reference, or a required variable unset.</exception>
    public static string Interpolate(string text, Func<string, string?> lookup, string where)
    {
        var position = 0;
        var result = Expand(text, ref position, lookup, where, depth: 0, insideBraces: false);
        return result;
    }

    private static string Expand(string text, ref int i, Func<string, string?> lookup, string where, int depth, bool insideBraces)
    {
        if (depth > MaxDepth)
        {
            throw Failed(where, Messages.ComposeInterpolationTooDeep);
        }

        var output = new StringBuilder();
        while (i < text.Length)
        {
            var c = text[i];
            if (insideBraces && c == '}')
            {
                return output.ToString();
            }

            if (c != '$')
            {
                output.Append(c);
                i++;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '$')
            {
                output.Append('$');
                i += 2;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '{')
            {
                i += 2;
                output.Append(Braced(text, ref i, lookup, where, depth));
                continue;
            }

            var nameLength = NameLength(text, i + 1);
            if (nameLength == 0)
            {
                // A lone '$' (before a space, a digit, the end): compose keeps it as it is.
                output.Append(c);
                i++;
                continue;
            }

            output.Append(lookup(text.Substring(i + 1, nameLength)) ?? "");
            i += 1 + nameLength;
        }

        if (insideBraces)
        {
            throw Failed(where, Messages.ComposeInterpolationUnclosed);
        }

        return output.ToString();
    }

    /// <summary>After '${': a name, an optional operator and its word, then '}'.</summary>
    private static string Braced(string text, ref int i, Func<string, string?> lookup, string where, int depth)
    {
        var nameLength = NameLength(text, i);
        if (nameLength == 0)
        {
            throw Failed(where, Messages.ComposeInterpolationBadName);
        }

        var name = text.Substring(i, nameLength);
        i += nameLength;
        if (i >= text.Length)
        {
            throw Failed(where, Messages.ComposeInterpolationUnclosed);
        }

        var value = lookup(name);
        if (text[i] == '}')
        {
            i++;
            return value ?? "";
        }

        var colon = text[i] == ':';
        if (colon)
        {
            i++;
        }

        var op = i < text.Length ? text[i] : '\0';
        if (op is not ('-' or '?' or '+'))
        {
            throw Failed(where, Messages.ComposeInterpolationBadName);
        }

        i++;
        var word = Expand(text, ref i, lookup, where, depth + 1, insideBraces: true);
        i++; // the closing '}'
        var set = colon ? !string.IsNullOrEmpty(value) : value is not null;
        return op switch
        {
            '-' => set ? value! : word,
            '+' => set ? word : "",
            _ => set ? value! : throw Failed(where, Messages.ComposeVariableRequired(name, DisplayText.Escape(word) ?? "")),
        };
    }

    /// <summary>The length of a variable name ([A-Za-z_][A-Za-z0-9_]*) at <paramref name="start"/>, 0 when there is none.</summary>
    private static int NameLength(string text, int start)
    {
        var i = start;
        while (i < text.Length && (text[i] is '_' or (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') || (i > start && text[i] is >= '0' and <= '9')))
        {
            i++;
        }

        return i - start;
    }

    private static OneFlexException Failed(string where, string reason) =>
        new(ErrorIds.ComposeInterpolationFailed, ErrorCategory.InvalidData, Messages.ComposeInterpolationFailed(where, reason), where);
}
