using System.Net;
using System.Net.Sockets;

namespace CopilotAspire.Testing;

/// <summary>Loopback ports nothing listens on.</summary>
public static class FreePort
{
    /// <summary>A port the kernel just handed out on 127.0.0.1 and that is free again (to give a server that needs its port up front).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
