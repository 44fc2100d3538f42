using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace ConflictModules;

/// <summary>What each fixture cmdlet returns: which copy of its dependency it really ran on, and what it did with it.</summary>
internal static class DependencyReport
{
    public static PSObject For(Assembly dependency, string detail)
    {
        var report = new PSObject();
        report.Properties.Add(new PSNoteProperty("Assembly", dependency.GetName().Name));
        report.Properties.Add(new PSNoteProperty("Version", dependency.GetName().Version?.ToString()));
        report.Properties.Add(new PSNoteProperty("Location", dependency.Location));
        report.Properties.Add(new PSNoteProperty("LoadContext", AssemblyLoadContext.GetLoadContext(dependency)?.Name));
        report.Properties.Add(new PSNoteProperty("Detail", detail));
        return report;
    }
}
