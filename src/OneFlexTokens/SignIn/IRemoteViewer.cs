namespace OneFlexTokens.SignIn;

/// <summary>One picture of the remote page: a JPEG of <paramref name="Width"/>×<paramref name="Height"/> device pixels
/// showing a viewport of <paramref name="CssWidth"/>×<paramref name="CssHeight"/> CSS pixels, painted at
/// <paramref name="PaintedAt"/> (the screencast's own timestamp, Unix milliseconds).</summary>
internal sealed record ScreenFrame(byte[] Jpeg, int Width, int Height, double CssWidth, double CssHeight, double PaintedAt);

/// <summary>A JavaScript dialog of the remote page, shown on the phone until it is answered.</summary>
internal sealed record RemoteDialog(int Id, RemoteDialogKind Kind, string Message, string? DefaultValue);

internal enum RemoteDialogKind
{
    Alert,
    Confirm,
    Prompt,
    BeforeUnload,
}

/// <summary>What the phone may send once it owns the session: a closed set, already checked by the listener.</summary>
internal abstract record ViewerInput;

/// <summary>A tap at a point of the remote viewport, in its CSS pixels.</summary>
internal sealed record TapInput(double X, double Y) : ViewerInput;

/// <summary>Text typed or pasted on the phone, inserted into the focused remote field as is (any Unicode).</summary>
internal sealed record TextInput(string Text) : ViewerInput;

/// <summary>One key of <see cref="ViewerKeys.Allowed"/>.</summary>
internal sealed record KeyInput(string Key) : ViewerInput;

/// <summary>A scroll by <paramref name="DeltaY"/> (and <paramref name="DeltaX"/>) CSS pixels at a point of the remote viewport.</summary>
internal sealed record ScrollInput(double X, double Y, double DeltaX, double DeltaY) : ViewerInput;

/// <summary>The phone's answer to <see cref="RemoteDialog"/> <paramref name="Id"/>: accept (with the prompt's text) or dismiss.</summary>
internal sealed record DialogAnswer(int Id, bool Accept, string? Text) : ViewerInput;

/// <summary>The phone's screen changed size (it rotated): the remote viewport follows, in CSS pixels.</summary>
internal sealed record ResizeInput(int Width, int Height) : ViewerInput;

/// <summary>The keys a phone may press on the remote page: nothing that navigates the browser itself.</summary>
internal static class ViewerKeys
{
    public static readonly IReadOnlySet<string> Allowed = new HashSet<string>(StringComparer.Ordinal)
    {
        "Backspace", "Delete", "Tab", "Shift+Tab", "Enter", "Escape", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "Space",
    };
}

/// <summary>The browser's side of a remote sign-in (the engine implements it): what the phone's input does.</summary>
internal interface IRemoteControl
{
    /// <summary>Applies one input to the page shown; a page that went away meanwhile makes it a no-op, never an exception.</summary>
    Task ApplyAsync(ViewerInput input, CancellationToken cancellationToken);
}

/// <summary>
/// The listener's side of a remote sign-in (RemoteSignIn/ViewerServer implements it), which the engine's browser sign-in
/// streams to when <see cref="SignInRequest.Remote"/> is set. Every member is cheap and never blocks: the engine calls them
/// from Playwright's event threads.
/// </summary>
internal interface IRemoteViewer
{
    /// <summary>The phone's viewport in CSS pixels once it has claimed the link; the remote page starts with it. Null before.</summary>
    (int Width, int Height)? PhoneViewport { get; }

    /// <summary>The browser shows the page: input from now on goes to <paramref name="control"/>.</summary>
    void Attach(IRemoteControl control);

    /// <summary>The newest frame; an older one not yet sent to the phone is dropped (newest wins).</summary>
    void Frame(ScreenFrame frame);

    /// <summary>A dialog to show on the phone; the answer comes back as <see cref="DialogAnswer"/>.</summary>
    void Dialog(RemoteDialog dialog);

    /// <summary>After each tap: whether an editable field has the focus now (the phone shows its keyboard), and its input type.</summary>
    void Focus(bool editable, string? inputType);

    /// <summary>A short status line for the phone (never a token, a password or a URL's query).</summary>
    void Status(string text);
}
