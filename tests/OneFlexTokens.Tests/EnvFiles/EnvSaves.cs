using OneFlexTokens.EnvFiles;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>What the cmdlets do at their edge before they call the writer or the editor: resolve the path under the file policy, check the values.</summary>
internal static class EnvSaves
{
    /// <summary>Saves without asking (no -WhatIf, no -Confirm).</summary>
    public static EnvSaveResult SaveTo(this EnvFileWriter writer, string path, IEnumerable<KeyValuePair<string, string>> settings, CancellationToken cancellationToken = default) =>
        writer.Save(EnvFileAccess.Resolve(path), EnvSettings.Create(settings), cancellationToken: cancellationToken)
        ?? throw new InvalidOperationException("The writer declined a save that nothing asked about.");

    public static EnvEdit Edit(byte[] original, IEnumerable<KeyValuePair<string, string>> settings) =>
        EnvFileEditor.Apply(original, EnvSettings.Create(settings));
}
