namespace OneFlexTokens.EnvFiles;

/// <summary>What Save-OneFlexEnv did to one file. Holds key names only, never values.</summary>
public sealed class EnvSaveResult
{
    public EnvSaveResult(string path, bool created, bool changed, string[] keysUpdated, string[] keysAdded)
    {
        Path = path;
        Created = created;
        Changed = changed;
        KeysUpdated = keysUpdated;
        KeysAdded = keysAdded;
    }

    public string Path { get; }

    public bool Created { get; }

    public bool Changed { get; }

    public string[] KeysUpdated { get; }

    public string[] KeysAdded { get; }

    /// <summary>A short sentence for -WhatIf, -Verbose and display.</summary>
    public string Summary
    {
        get
        {
            if (!Changed)
            {
                return "Already up to date";
            }

            var parts = new List<string>(2);
            if (KeysUpdated.Length > 0)
            {
                parts.Add("update " + string.Join(", ", KeysUpdated));
            }

            if (KeysAdded.Length > 0)
            {
                parts.Add((Created ? "create the file with " : "add ") + string.Join(", ", KeysAdded));
            }

            var text = string.Join("; ", parts);
            return char.ToUpperInvariant(text[0]) + text[1..];
        }
    }

    public override string ToString() => $"{Path}: {Summary}";
}
