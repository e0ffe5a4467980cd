using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Orderly.Server.Communication;

/// <summary>Resolves host names; replaced in tests to simulate DNS (a public-looking name that resolves to a private address).</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

public sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}

/// <summary>
/// The SSRF guard of webhooks (S6): a URL must be http(s) and every address its host resolves to public. Loopback, private,
/// carrier-grade NAT, link-local (the 169.254.169.254 metadata service), unique-local, multicast and reserved ranges are
/// refused, at registration, at every delivery, at every redirect and at the socket itself (so a DNS change between the
/// check and the connection is caught). <see cref="CommunicationOptions.AllowLoopbackWebhooks"/> opens loopback for tests.
/// </summary>
public sealed class WebhookGuard(IHostResolver resolver, IOptions<CommunicationOptions> options)
{
    /// <summary>Why the URL is refused, or null when it may be called.</summary>
    public async Task<string?> RefusalAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            return "NotHttpUrl";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "CredentialsInUrl";
        }

        IPAddress[] addresses;
        try
        {
            addresses = await AddressesOfAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return "UnresolvableHost";
        }

        return addresses.Length == 0 ? "UnresolvableHost" : addresses.All(IsAllowed) ? null : "PrivateAddress";
    }

    public async Task<IPAddress[]> AddressesOfAsync(string host, CancellationToken ct) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await resolver.ResolveAsync(host, ct);

    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return options.Value.AllowLoopbackWebhooks;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or >= 224
                || (b[0] == 100 && b[1] >= 64 && b[1] < 128)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && b[1] is 18 or 19));
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC);
        }

        return false;
    }

    /// <summary>The socket connection of the webhook client: connects only to an address the guard allows.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await AddressesOfAsync(context.DnsEndPoint.Host, ct);
        if (addresses.Length == 0 || !addresses.All(IsAllowed))
        {
            throw new HttpRequestException($"Refused to connect to {context.DnsEndPoint.Host}: it resolves to a private address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
