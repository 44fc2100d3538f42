using System.Management.Automation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.RemoteSignIn;

/// <summary>The certificate the listener serves https with: a PEM file (certificate and private key) or a PFX without a password.</summary>
internal static class ViewerCertificate
{
    /// <summary>Far above any real certificate chain with its key: the file is hostile input until parsed.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Loads the certificate with its key, or throws CertificateNotFound, CertificateUnreadable or CertificateHasNoKey.</summary>
    public static X509Certificate2 Load(string path, HostPlatform platform)
    {
        var shown = path;
        ReadOnlyMemory<byte> content;
        try
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                throw new OneFlexException(ErrorIds.CertificateNotFound, ErrorCategory.ObjectNotFound, Messages.CertificateNotFound(shown), shown);
            }

            var read = PlatformFiles.ReadRegularFile(path, MaxFileBytes, out var kind);
            if (kind != FileKind.Regular)
            {
                throw Unreadable(shown, "it is not a regular file");
            }

            content = read ?? throw Unreadable(shown, $"it is larger than {MaxFileBytes / 1024} KB");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(shown, e.Message, e);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = LooksLikePem(content.Span) ? FromPem(shown, Encoding.UTF8.GetString(content.Span), platform) : FromPfx(content.ToArray(), platform);
        }
        catch (CryptographicException e)
        {
            throw Unreadable(shown, "it is neither a PEM certificate with its key nor a PFX without a password", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new OneFlexException(ErrorIds.CertificateHasNoKey, ErrorCategory.InvalidData, Messages.CertificateHasNoKey(shown), shown);
        }

        return certificate;
    }

    /// <summary>How a PFX's key is loaded here: into a key store where TLS needs one (<see cref="HostPlatform.TlsNeedsStoredKey"/>), else in memory only.</summary>
    public static X509KeyStorageFlags PfxKeyStorage(HostPlatform platform) =>
        platform.TlsNeedsStoredKey ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;

    /// <summary>A PEM's certificate and key as TLS can use them here: re-imported through PKCS#12 where the key must be stored.</summary>
    public static X509Certificate2 ForTls(X509Certificate2 fromPem, HostPlatform platform)
    {
        if (!platform.TlsNeedsStoredKey)
        {
            return fromPem;
        }

        using (fromPem)
        {
            var pkcs12 = fromPem.Export(X509ContentType.Pkcs12);
            try
            {
                return new X509Certificate2(pkcs12, (string?)null, PfxKeyStorage(platform));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs12);
            }
        }
    }

    private static X509Certificate2 FromPem(string shown, string pem, HostPlatform platform)
    {
        if (!pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw Unreadable(shown, "it holds no PEM certificate");
        }

        if (pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw Unreadable(shown, "its private key is encrypted");
        }

        if (!pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            var certificateOnly = X509Certificate2.CreateFromPem(pem);
            certificateOnly.Dispose();
            throw new OneFlexException(ErrorIds.CertificateHasNoKey, ErrorCategory.InvalidData, Messages.CertificateHasNoKey(shown), shown);
        }

        return ForTls(X509Certificate2.CreateFromPem(pem, pem), platform);
    }

    private static X509Certificate2 FromPfx(byte[] pfx, HostPlatform platform)
    {
        try
        {
            return new X509Certificate2(pfx, (string?)null, PfxKeyStorage(platform));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pfx);
        }
    }

    private static bool LooksLikePem(ReadOnlySpan<byte> content) => content.IndexOf("-----BEGIN "u8) >= 0;

    private static OneFlexException Unreadable(string shown, string reason, Exception? inner = null) =>
        new(ErrorIds.CertificateUnreadable, ErrorCategory.InvalidData, Messages.CertificateUnreadable(shown, reason), shown, inner);
}
