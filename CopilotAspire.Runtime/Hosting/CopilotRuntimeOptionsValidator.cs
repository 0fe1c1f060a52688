using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Hosting;

[OptionsValidator]
internal sealed partial class CopilotRuntimeOptionsValidator : IValidateOptions<CopilotRuntimeOptions>;
