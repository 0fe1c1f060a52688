using CopilotAspire.Runtime.Agents;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>Builds the agents of one request: per-tenant agents from headers, lazily loaded credentials, …</summary>
public delegate ValueTask<IReadOnlyDictionary<string, AbstractAgent>> AgentsFactory(HttpContext context, CancellationToken cancellationToken);
