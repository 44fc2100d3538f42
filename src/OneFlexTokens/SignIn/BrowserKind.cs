namespace OneFlexTokens.SignIn;

/// <summary>Which installed browser -Browser asks for. Our own enum, so binding the parameter never loads Playwright.</summary>
public enum BrowserKind
{
    Auto,
    Chromium,
    Chrome,
    Edge,
}
