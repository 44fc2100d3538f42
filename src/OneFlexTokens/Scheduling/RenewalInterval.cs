using System.Management.Automation;
using System.Xml;
using OneFlexTokens.Errors;

namespace OneFlexTokens.Scheduling;

/// <summary>
/// How often the renewal runs. One rule for every scheduler, so a registration means the same on each: whole minutes
/// that divide an hour, or whole hours that divide a day (cron can only repeat evenly within those).
/// </summary>
internal sealed record RenewalInterval
{
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(10);

    private static readonly int[] MinuteSteps = { 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 };
    private static readonly int[] HourSteps = { 1, 2, 3, 4, 6, 8, 12, 24 };

    private RenewalInterval(TimeSpan every) => Every = every;

    public TimeSpan Every { get; }

    /// <summary>
    /// The one link between -Every and -MinimumValidity: a registration renews, unless told otherwise, when the token
    /// would not outlast the next run.
    /// </summary>
    public static TimeSpan MinimumValidityFor(TimeSpan every) => every;

    public static RenewalInterval From(TimeSpan every)
    {
        var minutes = every.TotalMinutes;
        var valid = minutes == Math.Floor(minutes)
            && ((minutes < 60 && MinuteSteps.Contains((int)minutes)) || (minutes % 60 == 0 && HourSteps.Contains((int)(minutes / 60))));
        if (!valid)
        {
            throw new OneFlexException(ErrorIds.RenewalIntervalInvalid, ErrorCategory.InvalidArgument,
                Messages.RenewalIntervalInvalid(every, string.Join(", ", MinuteSteps), string.Join(", ", HourSteps)), every);
        }

        return new RenewalInterval(every);
    }

    /// <summary>Every interval this rule allows.</summary>
    public static IEnumerable<RenewalInterval> All =>
        MinuteSteps.Select(m => new RenewalInterval(TimeSpan.FromMinutes(m))).Concat(HourSteps.Select(h => new RenewalInterval(TimeSpan.FromHours(h))));

    /// <summary>The interval whose <see cref="CronFields"/> these are (as this module writes them), or null.</summary>
    public static RenewalInterval? FromCronFields(string fields)
    {
        var normal = string.Join(' ', fields.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return All.FirstOrDefault(interval => interval.CronFields == normal);
    }

    /// <summary>The interval of an ISO 8601 duration (PT10M) that this rule allows, or null.</summary>
    public static RenewalInterval? FromIso8601(string duration)
    {
        try
        {
            var every = XmlConvert.ToTimeSpan(duration);
            return All.FirstOrDefault(interval => interval.Every == every);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The five time fields of a crontab line.</summary>
    public string CronFields
    {
        get
        {
            var minutes = (int)Every.TotalMinutes;
            if (minutes < 60)
            {
                return minutes == 1 ? "* * * * *" : $"*/{minutes} * * * *";
            }

            var hours = minutes / 60;
            return hours switch
            {
                1 => "0 * * * *",
                24 => "0 0 * * *",
                _ => $"0 */{hours} * * *",
            };
        }
    }

    /// <summary>The ISO 8601 duration Task Scheduler takes (PT10M).</summary>
    public string Iso8601 => XmlConvert.ToString(Every);

    public override string ToString()
    {
        var minutes = (int)Every.TotalMinutes;
        return minutes switch
        {
            1 => "every minute",
            < 60 => $"every {minutes} minutes",
            60 => "every hour",
            _ => $"every {minutes / 60} hours",
        };
    }
}
