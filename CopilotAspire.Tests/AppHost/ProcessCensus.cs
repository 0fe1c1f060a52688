using System.Globalization;
using System.Text;

namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// Which processes a command started, read from Linux's <c>/proc</c>: every process whose environment carries a marker
/// (an environment entry the test gave the command), and every descendant of those, which catches what DCP starts
/// detached (re-parented to init) and what it starts with an environment of its own (redis-server).
/// </summary>
public static class ProcessCensus
{
    /// <summary>The processes carrying <paramref name="marker"/> (<c>NAME=value</c>) and all their descendants.</summary>
    public static IReadOnlyList<CensusProcess> StartedWith(string marker)
    {
        var all = ReadAll();
        var children = all.ToLookup(p => p.ParentPid);
        var found = new Dictionary<int, CensusProcess>();
        var pending = new Stack<CensusProcess>(all.Where(p => p.State != 'Z' && HasEnvironmentEntry(p.Pid, marker)));
        while (pending.TryPop(out var process))
        {
            if (found.TryAdd(process.Pid, process))
            {
                foreach (var child in children[process.Pid].Where(c => c.State != 'Z'))
                {
                    pending.Push(child);
                }
            }
        }
        return [.. found.Values.OrderBy(p => p.Pid)];
    }

    /// <summary>
    /// Which of <paramref name="processes"/> still run (same pid and start time, not a zombie), plus any process that
    /// carries <paramref name="marker"/> now (started since the census) and its descendants.
    /// </summary>
    public static IReadOnlyList<CensusProcess> StillRunning(IEnumerable<CensusProcess> processes, string marker)
    {
        var running = ReadAll().Where(p => p.State != 'Z').ToDictionary(p => (p.Pid, p.StartTime));
        return [.. processes.Where(p => running.ContainsKey((p.Pid, p.StartTime)))
            .Concat(StartedWith(marker))
            .DistinctBy(p => (p.Pid, p.StartTime))
            .OrderBy(p => p.Pid)];
    }

    /// <summary>Which of <paramref name="ports"/> some socket listens on (TCP, IPv4 or IPv6, any address).</summary>
    public static IReadOnlyList<int> ListeningPorts(IEnumerable<int> ports)
    {
        var listening = new HashSet<int>();
        foreach (var table in (string[])["/proc/net/tcp", "/proc/net/tcp6"])
        {
            if (!File.Exists(table))
            {
                continue;
            }
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // "sl local_address rem_address st ...": local_address is ADDRESS:PORT in hex; st 0A is LISTEN.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && fields[3] == "0A")
                {
                    listening.Add(int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }
        return [.. ports.Where(listening.Contains)];
    }

    private static List<CensusProcess> ReadAll()
    {
        var processes = new List<CensusProcess>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && TryRead(pid) is { } process)
            {
                processes.Add(process);
            }
        }
        return processes;
    }

    private static CensusProcess? TryRead(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields count from the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').TrimEnd();
            return new CensusProcess(pid, int.Parse(fields[1], CultureInfo.InvariantCulture),
                long.Parse(fields[19], CultureInfo.InvariantCulture), fields[0][0], commandLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // Ended while being read, or not ours to read.
        }
    }

    private static bool HasEnvironmentEntry(int pid, string entry)
    {
        try
        {
            var environment = File.ReadAllBytes($"/proc/{pid}/environ");
            return Encoding.UTF8.GetString(environment).Split('\0').Contains(entry, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
