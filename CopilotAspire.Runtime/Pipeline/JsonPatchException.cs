using System.Text.Json.Nodes;

namespace CopilotAspire.Runtime.Pipeline;

/// <summary>
/// A JSON Patch (RFC 6902) that cannot be applied while a run's state events are compacted: a path that does not exist,
/// a failed <c>test</c>, an operation that is not an object.
/// </summary>
/// <param name="message">What is wrong with the patch.</param>
public sealed class JsonPatchException(string message) : Exception(message);
