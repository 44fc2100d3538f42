namespace OneFlexTokens.Errors;

// The messages of Isolation/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
    /// <summary>How to repair a damaged install: the engine's files and the Playwright driver alike.</summary>
    private const string ReinstallAdvice =
        "Repair the module: Install-PSResource OneFlexTokens -Reinstall (-Scope AllUsers, as root, for an install for all users; in a source build: dotnet build).";

    public static string DependencyConflict(string assembly, string folder, string reason) =>
        $"OneFlexTokens could not load {assembly} from '{folder}' into its own load context: {reason} The module's files are incomplete or damaged, or another program changed them. {ReinstallAdvice}";

    /// <summary>Why an assembly did not load, in words that hold no assembly display name (its public key token is not a secret, but reads like one).</summary>
    public static string AssemblyLoadFailure(bool missing, bool notAnAssembly) =>
        missing ? "the file, or one it needs, is missing."
        : notAnAssembly ? "the file is not a .NET assembly for this runtime."
        : "the file could not be loaded (another version or a damaged file).";

    public static string EngineContractMissing(string contract, string assembly) =>
        $"{assembly} does not provide {contract}: OneFlexTokens.dll and {assembly} come from different versions of the module. {ReinstallAdvice}";
}
