using System.Management.Automation;
using ConflictModules;
using Docker.DotNet;

namespace OtherDocker;

/// <summary>Pings a Docker engine with Docker.DotNet 3.125 and says which Docker.DotNet it ran on.</summary>
[Cmdlet(VerbsCommon.Get, "OtherDockerPing")]
[OutputType(typeof(PSObject))]
public sealed class GetOtherDockerPingCommand : PSCmdlet
{
    [Parameter(Mandatory = true)]
    public string Uri { get; set; } = string.Empty;

    protected override void EndProcessing()
    {
        using var configuration = new DockerClientConfiguration(new System.Uri(Uri));
        using var client = configuration.CreateClient();
        client.System.PingAsync().GetAwaiter().GetResult();
        var engine = client.System.GetVersionAsync().GetAwaiter().GetResult();
        WriteObject(DependencyReport.For(typeof(DockerClient).Assembly, $"pong from engine {engine.Version} (API {engine.APIVersion})"));
    }
}
