using System.Net;
using System.Net.Sockets;

namespace DnsCert.Lab.Tests;

/// <summary>
/// A loopback /16 for one test lab, leased for the life of the test process. Several checkouts run the suite on one
/// machine at the same time: a fixed base (formerly 127.54 / 127.55) made their labs collide. The lease is an exclusive
/// lock (flock, released by the kernel if the process dies) on /tmp/dnscert-lab-bases/127.N.lock, and the base must
/// also be free (nothing on its resolver or root address). 127.53 (a developer's <c>./dnscert up</c>) and 127.54/55
/// (older checkouts without the lease) are never used.
/// </summary>
public static class LabBases
{
    private const int First = 56;
    private const int Last = 99;

    public static (string Base, IDisposable Lease) Acquire()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dnscert-lab-bases");
        Directory.CreateDirectory(dir);
        for (var n = First; n <= Last; n++)
        {
            var basePrefix = "127." + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            FileStream lease;
            try
            {
                lease = new FileStream(Path.Combine(dir, basePrefix + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue;
            }

            if (Free(basePrefix + ".0.53") && Free(basePrefix + ".0.1") && Free(basePrefix + ".250.1"))
            {
                return (basePrefix, lease);
            }

            lease.Dispose();
        }

        throw new InvalidOperationException($"no free loopback /16 between 127.{First} and 127.{Last} for a test lab");
    }

    private static bool Free(string address)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), 53));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
