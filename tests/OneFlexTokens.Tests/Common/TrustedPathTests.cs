using OneFlexTokens.Platform;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Common;

/// <summary>The trust rule's decision for each kind of entry, on Linux and (by passing another OS) on Windows.</summary>
public sealed class TrustedPathTests
{
    // Ids no account has, so that no name is appended to them.
    private const uint Me = 3_900_000_000;
    private const uint Other = 3_900_000_001;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Shared = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static FileFacts Entry(FileKind kind, uint? owner, UnixFileMode? mode) => new(kind, 0, owner, owner, mode);

    [Fact]
    public void Entries_of_this_user_or_root_that_no_one_else_may_write_are_trusted_and_a_missing_one_passes()
    {
        Assert.Null(TrustedPath.Distrust(Entry(FileKind.Directory, Me, OwnerOnly), OSKind.Linux, Me));
        Assert.Null(TrustedPath.Distrust(Entry(FileKind.Directory, 0, Shared), OSKind.Linux, Me));
        Assert.Null(TrustedPath.Distrust(Entry(FileKind.Regular, 0, UnixFileMode.UserRead | UnixFileMode.UserWrite), OSKind.MacOS, 0));
        Assert.Null(TrustedPath.Distrust(FileFacts.Missing, OSKind.Linux, Me));

        // A link of this user's is followed (its target is checked next); its own mode is always 0777 and means nothing.
        Assert.Null(TrustedPath.Distrust(Entry(FileKind.SymbolicLink, Me, (UnixFileMode)0x1FF), OSKind.Linux, Me));
    }

    [Fact]
    public void Another_accounts_entry_or_link_and_anything_group_or_others_may_write_are_refused_with_the_owner()
    {
        Assert.Contains("it is owned by uid 3900000001", TrustedPath.Distrust(Entry(FileKind.Directory, Other, OwnerOnly), OSKind.Linux, Me));
        Assert.Contains("it is a link owned by uid 3900000001", TrustedPath.Distrust(Entry(FileKind.SymbolicLink, Other, (UnixFileMode)0x1FF), OSKind.Linux, Me));
        Assert.Contains("not by you (uid 3900000000", TrustedPath.Distrust(Entry(FileKind.Regular, Other, OwnerOnly), OSKind.Linux, Me));

        // Root is trusted by everyone, but root trusts only itself.
        Assert.EndsWith("uid 3900000000, not by you (root)", TrustedPath.Distrust(Entry(FileKind.Directory, Me, OwnerOnly), OSKind.Linux, 0));
        Assert.Contains("mode 0775", TrustedPath.Distrust(Entry(FileKind.Directory, Me, Shared | UnixFileMode.GroupWrite), OSKind.Linux, Me));
        Assert.Contains("mode 1777", TrustedPath.Distrust(Entry(FileKind.Directory, 0, (UnixFileMode)0x3FF), OSKind.Linux, Me));
        Assert.Contains("mode 0602", TrustedPath.Distrust(Entry(FileKind.Regular, Me, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite), OSKind.MacOS, Me));
        Assert.NotNull(TrustedPath.Distrust(Entry(FileKind.Regular, null, OwnerOnly), OSKind.Linux, Me));
    }

    [Fact]
    public void On_Windows_owners_are_not_compared_and_a_reparse_point_counts_as_a_link()
    {
        Assert.Null(TrustedPath.Distrust(Entry(FileKind.Directory, null, null), OSKind.Windows, null));
        Assert.Null(TrustedPath.Distrust(Entry(FileKind.Regular, null, null), OSKind.Windows, null));
        Assert.Contains("reparse point", TrustedPath.Distrust(Entry(FileKind.SymbolicLink, null, null), OSKind.Windows, null));
    }

    [SkippableFact]
    public void The_owner_is_named_by_uid_and_by_name_when_the_system_knows_it()
    {
        Requirements.RequireUnix();
        Assert.Equal("uid 0 (root)", TrustedPath.Describe(0));
        Assert.Equal("uid 4000000000", TrustedPath.Describe(4_000_000_000));
        Assert.Equal("an unknown user", TrustedPath.Describe(null));
    }
}
