namespace CopilotAspire.AppHost.Redis;

/// <summary>
/// The machine's <c>redis-server</c> run by DCP: an executable with one <c>tcp</c> endpoint whose connection string is
/// its proxied <c>host:port</c>, so <c>WithReference</c> gives consumers <c>ConnectionStrings__&lt;name&gt;</c>.
/// </summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.HostAndPort)}");
}
