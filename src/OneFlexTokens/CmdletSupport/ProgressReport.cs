namespace OneFlexTokens.CmdletSupport;

/// <summary>
/// Where long work stands, in the terms of Write-Progress but without PowerShell types, so the core can report it and a
/// cmdlet show it (<see cref="OneFlexCmdlet.PostProgress(ProgressReport, int)"/>). Null numbers: none to show.
/// </summary>
internal sealed record ProgressReport(string Activity, string Status, string? CurrentOperation = null, int? SecondsRemaining = null, int? PercentComplete = null, bool Completed = false);
