using System.Management.Automation;
using ConflictModules;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OtherLogging;

/// <summary>Logs one message through Microsoft.Extensions.Logging.Abstractions 10 and says which copy it ran on.</summary>
[Cmdlet(VerbsCommunications.Write, "OtherLog")]
[OutputType(typeof(PSObject))]
public sealed class WriteOtherLogCommand : PSCmdlet
{
    private static readonly Action<ILogger, string, Exception?> Greeting =
        LoggerMessage.Define<string>(LogLevel.Information, new EventId(1, "Greeting"), "Hello from {Module}");

    protected override void EndProcessing()
    {
        var logger = new RecordingLogger();
        Greeting(logger, "OtherLogging", null);
        Greeting(NullLogger.Instance, "nobody", null);
        WriteObject(DependencyReport.For(typeof(ILogger).Assembly, $"logged '{logger.Message}'"));
    }

    private sealed class RecordingLogger : ILogger
    {
        public string? Message { get; private set; }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Message = formatter(state, exception);
    }
}
