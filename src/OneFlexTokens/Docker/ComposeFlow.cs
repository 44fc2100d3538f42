using System.Text;

namespace OneFlexTokens.Docker;

/// <summary>
/// A reader of one YAML flow collection (<c>{ key: value, … }</c>, <c>[ … ]</c>, JSON included) for the parts of a compose
/// file written that way: mappings become ordered dictionaries, sequences lists, scalars strings (null for an empty
/// value). Comments and line breaks inside are blanks. Anything it cannot read gives null: the caller then finds nothing
/// there, as with a file it does not understand; it never throws and never recurses past <see cref="MaxDepth"/>.
/// </summary>
internal sealed class ComposeFlow
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _i;

    private ComposeFlow(string text, int start)
    {
        _text = text;
        _i = start;
    }

    /// <summary>The flow collection that starts at <paramref name="start"/> (blanks before it skipped), or null.</summary>
    public static object? Parse(string text, int start)
    {
        var reader = new ComposeFlow(text, start);
        reader.SkipBlanks();
        return reader._i < text.Length && text[reader._i] is '{' or '[' && reader.TryNode(0, out var node) ? node : null;
    }

    /// <summary>A key of a parsed mapping, or null.</summary>
    public static object? Field(Dictionary<string, object?> mapping, string key) => mapping.GetValueOrDefault(key);

    private bool TryNode(int depth, out object? node)
    {
        node = null;
        SkipBlanks();
        if (_i >= _text.Length || depth > MaxDepth)
        {
            return false;
        }

        switch (_text[_i])
        {
            case '{':
                return TryMapping(depth, out node);
            case '[':
                return TrySequence(depth, out node);
            case '"':
            case '\'':
                var ok = TryQuoted(out var quoted);
                node = quoted;
                return ok;
            default:
                node = Plain();
                return true;
        }
    }

    private bool TryMapping(int depth, out object? node)
    {
        var mapping = new Dictionary<string, object?>(StringComparer.Ordinal);
        node = mapping;
        _i++;
        while (true)
        {
            SkipBlanks();
            if (_i >= _text.Length)
            {
                return false;
            }

            if (_text[_i] == '}')
            {
                _i++;
                return true;
            }

            if (!TryNode(depth + 1, out var key) || key is not (string or null))
            {
                return false;
            }

            SkipBlanks();
            object? value = null;
            if (_i < _text.Length && _text[_i] == ':')
            {
                _i++;
                SkipBlanks();
                if (_i < _text.Length && _text[_i] is not (',' or '}') && !TryNode(depth + 1, out value))
                {
                    return false;
                }
            }

            mapping[(string?)key ?? ""] = value;
            if (!EndOfEntry('}'))
            {
                return false;
            }
        }
    }

    private bool TrySequence(int depth, out object? node)
    {
        var sequence = new List<object?>();
        node = sequence;
        _i++;
        while (true)
        {
            SkipBlanks();
            if (_i >= _text.Length)
            {
                return false;
            }

            if (_text[_i] == ']')
            {
                _i++;
                return true;
            }

            if (!TryNode(depth + 1, out var item))
            {
                return false;
            }

            sequence.Add(item);
            if (!EndOfEntry(']'))
            {
                return false;
            }
        }
    }

    /// <summary>After an entry: a ',' (consumed) or the closing bracket (left for the caller).</summary>
    private bool EndOfEntry(char close)
    {
        SkipBlanks();
        if (_i < _text.Length && _text[_i] == ',')
        {
            _i++;
            return true;
        }

        return _i < _text.Length && _text[_i] == close;
    }

    private bool TryQuoted(out string? value)
    {
        var quote = _text[_i++];
        var text = new StringBuilder();
        while (_i < _text.Length)
        {
            var c = _text[_i++];
            if (c == quote)
            {
                if (quote == '\'' && _i < _text.Length && _text[_i] == '\'')
                {
                    text.Append('\'');
                    _i++;
                    continue;
                }

                value = text.ToString();
                return true;
            }

            if (c == '\\' && quote == '"' && _i < _text.Length)
            {
                var escaped = _text[_i++];
                text.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => escaped });
                continue;
            }

            text.Append(c);
        }

        value = null;
        return false;
    }

    /// <summary>A plain scalar: up to ',', a closing bracket, ': ' or ' #'; null when empty.</summary>
    private string? Plain()
    {
        var start = _i;
        while (_i < _text.Length)
        {
            var c = _text[_i];
            if (c is ',' or '}' or ']' || (c == ':' && (_i + 1 >= _text.Length || _text[_i + 1] is ' ' or '\t' or '\r' or '\n' or ',' or '}' or ']'))
                || (c == '#' && _i > start && _text[_i - 1] is ' ' or '\t'))
            {
                break;
            }

            _i++;
        }

        var value = _text[start.._i].Trim();
        return value.Length == 0 ? null : value;
    }

    /// <summary>Spaces, tabs, line breaks and comments (from '#' at a blank to the end of its line).</summary>
    private void SkipBlanks()
    {
        while (_i < _text.Length)
        {
            var c = _text[_i];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                _i++;
            }
            else if (c == '#')
            {
                var end = _text.IndexOf('\n', _i);
                _i = end < 0 ? _text.Length : end + 1;
            }
            else
            {
                return;
            }
        }
    }
}
