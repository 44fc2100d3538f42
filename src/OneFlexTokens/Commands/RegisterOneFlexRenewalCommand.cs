using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.Notifications;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsLifecycle.Register, "OneFlexRenewal", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet, HelpUri = HelpUris.RegisterOneFlexRenewal)]
[OutputType(typeof(RenewalRegistration))]
public sealed class RegisterOneFlexRenewalCommand : RenewalParametersCmdlet
{
    /// <summary>How often: minutes (10) or a TimeSpan ('01:00:00'); the default of -MinimumValidity (<see cref="RenewalInterval.MinimumValidityFor"/>).</summary>
    [Parameter]
    [TimeoutTransformation(NumbersAreMinutes = true)]
    public TimeSpan Every { get; set; } = RenewalInterval.Default;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var host = HostPlatform.Current;
        var bound = MyInvocation.BoundParameters;
        IRenewalRegistrar registrar;
        RenewalPlan plan;
        IReadOnlyList<RenewalRegistration> superseded;
        try
        {
            // Before the paths are resolved, which would fail on some of these characters with a less helpful error.
            ScheduledValues.Check(RenewalParameters.TextValuesOf(RenewalOptions.FromParameters(bound, path => path, null)));
            registrar = RenewalRegistrar.For(host);
            var run = RenewalOptions.FromParameters(bound, ResolvePath, null, RenewalInterval.MinimumValidityFor(Every));
            var request = RenewalSetup.Request(new RenewalSetupOptions
            {
                Run = run,
                Every = Every,
                ModuleBase = MyInvocation.MyCommand.Module?.ModuleBase ?? Path.GetDirectoryName(typeof(RegisterOneFlexRenewalCommand).Assembly.Location)!,
                PSHome = (string)SessionState.PSVariable.GetValue("PSHOME"),
            }, host, registrar.Account);
            plan = registrar.Plan(request);
            superseded = RenewalSetup.Superseded(registrar, run.BotFolder, plan.Registration, host);
        }
        catch (OneFlexException failure)
        {
            WriteError(failure);
            return;
        }

        var registration = plan.Registration;
        var botFolder = registration.BotFolder;
        var alsoDone = (WebhookUrl is null ? string.Empty
            : Environment.NewLine + Messages.RenewalWebhookSaved(WebhookAddress.Mask(WebhookUrl), RenewalRegistrar.WebhookFile(plan)))
            + string.Concat(superseded.Select(old => Environment.NewLine + Messages.RenewalSupersededWhatIf(old.Id, old.Where, old.Command)));
        if (!ShouldProcess(
                Messages.RenewalRegisterWhatIf(registration.Where, plan.Text) + alsoDone,
                Messages.RenewalRegisterConfirm(botFolder, registration.Where),
                Messages.RenewalRegisterCaption))
        {
            return;
        }

        RegistrationOutcome outcome;
        try
        {
            // Proven before anything is written: the command runs as the scheduler will run it.
            registrar.Check(plan);
            outcome = registrar.Register(plan, WebhookUrl, superseded);
        }
        catch (OneFlexException failure)
        {
            WriteError(failure);
            return;
        }

        foreach (var warning in outcome.Warnings)
        {
            WriteWarning(warning);
        }

        if (outcome.Instructions is { } steps)
        {
            // Nothing was written here: the steps are the result, shown like Write-Host.
            WriteInformation(new HostInformationMessage { Message = steps }, new[] { "PSHOST" });
        }

        WriteVerbose(Messages.RenewalRegistered(outcome.Registration.Where, outcome.Registration.Command));
        if (PassThru)
        {
            WriteObject(outcome.Registration);
        }
    }
}
