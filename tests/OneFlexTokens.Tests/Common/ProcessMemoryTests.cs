using System.Runtime.InteropServices;
using OneFlexTokens.Platform;
using Xunit;

namespace OneFlexTokens.Tests.Common;

/// <summary>The C heap's free pages given back before a long wait: the choice for each OS, and glibc's call measured on this one.</summary>
public sealed class ProcessMemoryTests
{
    [Fact]
    public void Each_OS_has_its_C_library_call()
    {
        Assert.Equal(NativeHeapRelease.MallocTrim, Host(OSKind.Linux).NativeHeapRelease);
        Assert.Equal(NativeHeapRelease.MallocZonePressureRelief, Host(OSKind.MacOS).NativeHeapRelease);
        Assert.Equal(NativeHeapRelease.None, Host(OSKind.Windows).NativeHeapRelease);
    }

    [Fact]
    public void Nothing_is_called_where_there_is_nothing_to_ask() =>
        Assert.False(ProcessMemory.ReleaseNativeHeap(NativeHeapRelease.None));

    [SkippableFact]
    public void Glibc_gives_back_the_free_pages_between_blocks_still_in_use()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out _), "malloc_trim is glibc's (this is not a glibc Linux)");

        // 96 MB of small blocks written to, then all freed but one in 64: the heap cannot shrink from its top, so without
        // malloc_trim glibc keeps the pages between the survivors.
        const int BlockSize = 512;
        const int Count = 96 * 1024 * 1024 / BlockSize;
        var blocks = new IntPtr[Count];
        var survivors = new List<IntPtr>();
        try
        {
            for (var i = 0; i < Count; i++)
            {
                blocks[i] = Marshal.AllocHGlobal(BlockSize);
                Marshal.Copy(new byte[BlockSize], 0, blocks[i], BlockSize);
            }

            for (var i = 0; i < Count; i++)
            {
                if (i % 64 == 0)
                {
                    survivors.Add(blocks[i]);
                }
                else
                {
                    Marshal.FreeHGlobal(blocks[i]);
                }
            }

            var before = AnonymousKb();
            Assert.True(ProcessMemory.ReleaseNativeHeap(HostPlatform.Current.NativeHeapRelease));
            var released = before - AnonymousKb();

            // Other tests run meanwhile and allocate; the freed 94 MB less that noise must be returned.
            Assert.True(released > 48 * 1024, $"malloc_trim gave back {released / 1024} MB of the 94 MB freed");
        }
        finally
        {
            survivors.ForEach(Marshal.FreeHGlobal);
        }
    }

    private static HostPlatform Host(OSKind os) => new(os, _ => null, "/home/zoë");

    private static long AnonymousKb() =>
        File.ReadLines("/proc/self/status").Where(line => line.StartsWith("RssAnon:", StringComparison.Ordinal))
            .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture))
            .Single();
}
