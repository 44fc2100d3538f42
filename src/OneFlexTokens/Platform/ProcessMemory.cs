using System.Runtime.InteropServices;

namespace OneFlexTokens.Platform;

/// <summary>How the C library's freed heap pages go back to the OS when asked, by OS (<see cref="HostPlatform.NativeHeapRelease"/>).</summary>
internal enum NativeHeapRelease
{
    /// <summary>Nothing to ask: Windows' heap decommits large free blocks on its own.</summary>
    None,

    /// <summary>glibc's <c>malloc_trim(0)</c>, which returns the free pages inside every arena, not only at their tops.</summary>
    MallocTrim,

    /// <summary>macOS's <c>malloc_zone_pressure_relief(NULL, 0)</c>: every zone, as much as it can.</summary>
    MallocZonePressureRelief,
}

/// <summary>Gives memory back before a process waits for hours (a scheduled run waiting for its link to be opened).</summary>
internal static class ProcessMemory
{
    /// <summary>
    /// A full compacting collection, then the C library's free pages handed back. The runtime's own start-up and the work
    /// before the wait (a headless attempt, its driver's pipes) leave the C heap fragmented: glibc keeps those pages
    /// (about 17 MB in an idle pwsh with the module imported) until asked.
    /// </summary>
    public static void ReleaseBeforeLongWait(HostPlatform platform)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        ReleaseNativeHeap(platform.NativeHeapRelease);
    }

    /// <summary>Asks the C library to return its free pages; false when this C library has no such call (musl, or None).</summary>
    public static bool ReleaseNativeHeap(NativeHeapRelease release) => release switch
    {
        // Loaded by its glibc soname: a musl system has no libc.so.6 and is skipped rather than guessed at.
        NativeHeapRelease.MallocTrim => Call<MallocTrim>("libc.so.6", "malloc_trim", trim => trim(0)),
        NativeHeapRelease.MallocZonePressureRelief => Call<MallocZonePressureRelief>("/usr/lib/libSystem.B.dylib", "malloc_zone_pressure_relief", relief => relief(IntPtr.Zero, 0)),
        _ => false,
    };

    private static bool Call<TFunction>(string library, string name, Action<TFunction> call)
        where TFunction : Delegate
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
        {
            return false;
        }

        if (!NativeLibrary.TryGetExport(handle, name, out var address))
        {
            return false;
        }

        call(Marshal.GetDelegateForFunctionPointer<TFunction>(address));
        return true;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MallocTrim(nuint pad);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nuint MallocZonePressureRelief(IntPtr zone, nuint goal);
}
