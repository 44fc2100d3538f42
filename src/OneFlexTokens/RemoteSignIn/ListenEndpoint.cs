using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using OneFlexTokens.Errors;

namespace OneFlexTokens.RemoteSignIn;

/// <summary>Where the remote sign-in's listener binds: parsed from "host:port", "[v6]:port" or a port alone (loopback).</summary>
internal sealed record ListenEndpoint(IPAddress Address, int Port)
{
    /// <summary>Parses <paramref name="text"/>, or throws ListenAddressInvalid. Host names other than localhost are refused:
    /// a name may resolve to several addresses, and the listener binds exactly one.</summary>
    public static ListenEndpoint Parse(string? text)
    {
        var trimmed = (text ?? "").Trim();
        string host;
        string portText;
        if (trimmed.StartsWith('['))
        {
            var close = trimmed.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                throw Invalid(trimmed);
            }

            host = trimmed[1..close];
            portText = trimmed[(close + 2)..];
        }
        else if (trimmed.Count(c => c == ':') == 1)
        {
            var colon = trimmed.IndexOf(':');
            host = trimmed[..colon];
            portText = trimmed[(colon + 1)..];
        }
        else if (trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit))
        {
            host = "127.0.0.1";
            portText = trimmed;
        }
        else
        {
            throw Invalid(trimmed);
        }

        if (portText.Length is 0 or > 5 || !portText.All(char.IsAsciiDigit)
            || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            throw Invalid(trimmed);
        }

        IPAddress? address = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : null;
        if (address is null && (!IPAddress.TryParse(host, out address) || host.Contains('%') || (address.AddressFamily == AddressFamily.InterNetworkV6) != trimmed.StartsWith('[')))
        {
            throw Invalid(trimmed);
        }

        return new ListenEndpoint(address, port);
    }

    public bool IsLoopback => IPAddress.IsLoopback(Address);

    public bool IsAnyAddress => Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);

    /// <summary>host:port as a URL writes it ([v6]:port), with another port (the one bound, when 0 was asked for).</summary>
    public string Authority(int port) =>
        Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]:{port}" : $"{Address}:{port}";

    /// <summary>
    /// The public address when none is given: https with a certificate, else http; the listen host, or for 0.0.0.0 and
    /// :: this machine's name (what a phone on the LAN can reach); the port bound; path "/".
    /// </summary>
    public string DefaultPublicUrl(bool https, int boundPort, string machineName)
    {
        var scheme = https ? "https" : "http";
        var host = IsAnyAddress ? machineName : Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString();
        return $"{scheme}://{host}:{boundPort.ToString(CultureInfo.InvariantCulture)}/";
    }

    public override string ToString() => Authority(Port);

    private static OneFlexException Invalid(string shown) =>
        new(ErrorIds.ListenAddressInvalid, ErrorCategory.InvalidArgument, Messages.ListenAddressInvalid(shown), shown);
}
