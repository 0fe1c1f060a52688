using System.Diagnostics;
using CopilotAspire.AppHost.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>Redis for the app, in one of the three <see cref="RedisMode"/>s chosen by the setting <c>Redis:Mode</c>.</summary>
public static class RedisServerExtensions
{
    /// <summary>The setting that chooses the mode: <c>auto</c> (default), <c>container</c>, <c>local</c> or <c>connection-string</c>.</summary>
    public const string ModeKey = "Redis:Mode";

    /// <summary>Local mode: a folder where redis-server keeps an append-only file, so its data outlives a restart. Unset: nothing is written.</summary>
    public const string DataDirectoryKey = "Redis:DataDirectory";

    /// <summary>Local mode: the redis-server command. Default <c>redis-server</c> (Debian's package).</summary>
    public const string ServerCommandKey = "Redis:ServerCommand";

    /// <summary>
    /// Adds Redis as <paramref name="name"/>: the Redis container, the machine's <c>redis-server</c>, or an existing
    /// Redis from <c>ConnectionStrings:&lt;name&gt;</c>. Publish mode always uses the container. A bad setting, a
    /// missing <c>redis-server</c> or a missing connection string stops the AppHost at start with a message saying what to do.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        var mode = builder.ExecutionContext.IsPublishMode ? RedisMode.Container : ReadMode(builder.Configuration);
        if (mode == RedisMode.Auto)
        {
            mode = ContainerRuntimeAnswers(builder.Configuration) ? RedisMode.Container : RedisMode.Local;
        }
        return mode switch
        {
            RedisMode.Container => builder.ExecutionContext.IsRunMode ? builder.AddRedis(name).WithDataVolume() : builder.AddDurableRedis(name),
            RedisMode.Local => builder.AddLocalRedisServer(name),
            _ => builder.AddExistingRedis(name),
        };
    }

    /// <summary>
    /// Publish mode: the Redis container with its data on the volume <see cref="DataVolumeName"/> (at <c>/data</c>) and the
    /// append-only file on (<c>--appendonly yes</c>, fsync every second), beside the snapshots <c>WithDataVolume</c> turns
    /// on: a restarted container replays every write up to the last second, where snapshots alone lose the last minute.
    /// </summary>
    private static IResourceBuilder<IResourceWithConnectionString> AddDurableRedis(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddRedis(name)
            .WithDataVolume(DataVolumeName)
            .WithArgs(context =>
            {
                // The image runs `/bin/sh -c "redis-server …"`: the option goes into that command line, not after it.
                var at = context.Args.ToList().FindIndex(a => a is string s && s.StartsWith("redis-server", StringComparison.Ordinal));
                if (at < 0)
                {
                    throw new DistributedApplicationException("The Redis container's arguments have no redis-server command line to add --appendonly to.");
                }
                context.Args[at] = (string)context.Args[at] + " --appendonly yes";
            });

    /// <summary>The published Redis container's data volume (its <c>/data</c>: snapshots and the append-only file).</summary>
    public const string DataVolumeName = "redis-data";

    /// <summary>Gives the resource <c>ConnectionStrings__&lt;redis&gt;</c> and, unless Redis exists outside the app, waits for it to answer.</summary>
    public static IResourceBuilder<T> WithRedis<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> redis)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        builder.WithReference(redis);
        return redis.Resource is RedisResource or RedisServerResource ? builder.WaitFor(redis) : builder;
    }

    private static RedisMode ReadMode(IConfiguration configuration)
    {
        var value = configuration[ModeKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return RedisMode.Auto;
        }
        return Enum.TryParse<RedisMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new DistributedApplicationException(
                $"{ModeKey} is '{value}'; expected 'auto' (container if a container runtime answers, else local), 'container', " +
                "'local' (the machine's redis-server) or 'connection-string' (ConnectionStrings:redis).");
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        var command = builder.Configuration[ServerCommandKey] is { Length: > 0 } configured ? configured : "redis-server";
        if (!IsOnPath(command))
        {
            throw new DistributedApplicationException(
                $"{ModeKey} is local but '{command}' was not found: install it (Debian: apt-get install redis-server; eng/run.sh does this), " +
                $"set {ServerCommandKey}, or set {ModeKey} to 'container' or 'connection-string'.");
        }
        var resource = new RedisServerResource(name, command, builder.AppHostDirectory);
        var healthCheckKey = $"{name}-ping";
        builder.Services.AddHealthChecks().AddCheck(healthCheckKey, new RedisPingHealthCheck(resource.Endpoint));
        var dataDirectory = builder.Configuration[DataDirectoryKey];
        return builder.AddResource(resource)
            .WithEndpoint(name: RedisServerResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--save");
                context.Args.Add("");
                if (string.IsNullOrWhiteSpace(dataDirectory))
                {
                    context.Args.Add("--appendonly");
                    context.Args.Add("no");
                    return;
                }
                var directory = Path.GetFullPath(dataDirectory, builder.AppHostDirectory);
                Directory.CreateDirectory(directory);
                context.Args.Add("--dir");
                context.Args.Add(directory);
                context.Args.Add("--appendonly");
                context.Args.Add("yes");
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddExistingRedis(this IDistributedApplicationBuilder builder, string name)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)))
        {
            throw new DistributedApplicationException(
                $"{ModeKey} is connection-string but ConnectionStrings:{name} is not set: set it (environment variable " +
                $"ConnectionStrings__{name}=host:port[,password=…]) or choose another {ModeKey}.");
        }
        return builder.AddConnectionString(name);
    }

    /// <summary>True when the container runtime Aspire would use (docker unless configured) answers <c>info</c> within 10 s.</summary>
    private static bool ContainerRuntimeAnswers(IConfiguration configuration)
    {
        var runtime = configuration["DcpPublisher:ContainerRuntime"] ?? configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
        if (!IsOnPath(runtime))
        {
            return false;
        }
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, ["info"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static bool IsOnPath(string command) =>
        Path.IsPathRooted(command)
            ? File.Exists(command)
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(directory => File.Exists(Path.Combine(directory, command)));
}
