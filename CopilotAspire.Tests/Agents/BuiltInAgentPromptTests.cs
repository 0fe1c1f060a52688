using System.Text.Json;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Tests.Fakes;
using static CopilotAspire.Tests.Agents.BuiltInAgentHarness;

namespace CopilotAspire.Tests.Agents;

/// <summary>The system prompt and messages sent to the model (wire spec §10.3), read back from the fake's recorded requests.</summary>
[Kind(TestKind.Fast)]
public sealed class BuiltInAgentPromptTests : FakeOpenAiServerTest
{
    protected override Reply? DefaultReply => Reply.Text("ok");

    [Fact]
    public async Task Prompt_context_and_state_render_into_the_first_system_message_byte_for_byte()
    {
        await RunAsync(
            Agent(Server, o => o.Prompt = "You are helpful."),
            Input(context: [new Context { Description = "User name", Value = "Bob" }], state: """{"color":"blue"}"""));

        var messages = Messages(Assert.Single(Server.Requests));
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal(
            "You are helpful.\n## Context from the application\nUser name:\nBob\n\n## Application State\nThis is state from the application that you can edit by calling AGUISendStateSnapshot or AGUISendStateDelta.\n```json\n{\n  \"color\": \"blue\"\n}\n```\n",
            messages[0].GetProperty("content").GetString());
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
        Assert.Equal("Hi", messages[1].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Nested_state_is_indented_like_json_stringify_with_two_spaces()
    {
        await RunAsync(Agent(Server), Input(state: """{"a":[1,{"b":null}],"e":{},"s":"ü<&>😀"}"""));

        var system = Messages(Assert.Single(Server.Requests))[0].GetProperty("content").GetString();
        Assert.Equal(
            "\n## Application State\nThis is state from the application that you can edit by calling AGUISendStateSnapshot or AGUISendStateDelta.\n```json\n{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"e\": {},\n  \"s\": \"ü<&>😀\"\n}\n```\n",
            system);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("null")]
    public async Task Without_prompt_context_or_state_no_system_message_is_sent(string? state)
    {
        await RunAsync(Agent(Server), Input(state: state));

        var messages = Messages(Assert.Single(Server.Requests));
        Assert.Equal(["user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task System_and_developer_messages_are_dropped_by_default()
    {
        await RunAsync(Agent(Server, o => o.Prompt = "P"), Input(messages:
        [
            new Message { Id = "s", Role = "system", Content = AgUiJson.StringValue("client system") },
            new Message { Id = "d", Role = "developer", Content = AgUiJson.StringValue("client developer") },
            Message.User("u", "Hi"),
        ]));

        var messages = Messages(Assert.Single(Server.Requests));
        Assert.Equal(["system:P", "user:Hi"], messages.EnumerateArray().Select(m => $"{m.GetProperty("role").GetString()}:{m.GetProperty("content").GetString()}"));
    }

    [Fact]
    public async Task Forward_flags_send_system_and_developer_messages_as_system_after_the_built_prompt()
    {
        await RunAsync(Agent(Server, o => { o.Prompt = "P"; o.ForwardSystemMessages = true; o.ForwardDeveloperMessages = true; }), Input(messages:
        [
            new Message { Id = "s", Role = "system", Content = AgUiJson.StringValue("client system") },
            Message.User("u", "Hi"),
            new Message { Id = "d", Role = "developer", Content = AgUiJson.StringValue("client developer") },
        ]));

        var messages = Messages(Assert.Single(Server.Requests));
        Assert.Equal(
            ["system:P", "system:client system", "user:Hi", "system:client developer"],
            messages.EnumerateArray().Select(m => $"{m.GetProperty("role").GetString()}:{m.GetProperty("content").GetString()}"));
    }

    [Fact]
    public async Task Assistant_tool_calls_and_tool_results_are_replayed_to_the_model()
    {
        await RunAsync(Agent(Server), Input(tools: [FrontendTool("changeColor")], messages:
        [
            Message.User("u1", "Make it red"),
            Message.Assistant("a1", "Sure", [new ToolCall { Id = "call_1", Function = new FunctionCall { Name = "changeColor", Arguments = "{\"c\":\"red\"}" } }]),
            Message.ToolResult("t1", "call_1", "done"),
            new Message { Id = "x", Role = "reasoning", Content = AgUiJson.StringValue("thinking") },
        ]));

        var messages = Messages(Assert.Single(Server.Requests));
        Assert.Equal(["user", "assistant", "tool"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var assistant = messages[1];
        Assert.Contains("Sure", assistant.GetProperty("content").ToString(), StringComparison.Ordinal);
        var call = assistant.GetProperty("tool_calls")[0];
        Assert.Equal("call_1", call.GetProperty("id").GetString());
        Assert.Equal("changeColor", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("red", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("c").GetString());
        Assert.Equal("call_1", messages[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("done", messages[2].GetProperty("content").ToString());
    }

    [Fact]
    public async Task An_AG_UI_1_0_tool_result_given_as_content_parts_reaches_the_model_as_its_text()
    {
        // AG-UI 1.0 lets a client send a tool result as content parts (wire spec §22); the model gets their text.
        await RunAsync(Agent(Server), Input(tools: [FrontendTool("lookup")], messages:
        [
            Message.User("u1", "Look it up"),
            Message.Assistant("a1", null, [new ToolCall { Id = "call_1", Function = new FunctionCall { Name = "lookup", Arguments = "{}" } }]),
            new Message
            {
                Id = "t1",
                Role = "tool",
                ToolCallId = "call_1",
                Content = JsonDocument.Parse("""[{"type":"text","text":"found "},{"type":"text","text":"it"}]""").RootElement.Clone(),
            },
        ]));

        var messages = Messages(Assert.Single(Server.Requests));
        Assert.Equal(["user", "assistant", "tool"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("call_1", messages[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("found it", messages[2].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Multimodal_user_parts_become_data_and_uri_contents()
    {
        var png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var wav = Convert.ToBase64String("RIFF0000WAVE"u8.ToArray());
        var pdf = Convert.ToBase64String("%PDF-1.4"u8.ToArray());
        var content = AgUiJson.Parse($$$"""
            [{"type":"text","text":"What is this?"},
             {"type":"image","source":{"type":"data","value":"{{{png}}}","mimeType":"image/png"}},
             {"type":"image","source":{"type":"url","value":"https://example.com/cat.jpg","mimeType":"image/jpeg"}},
             {"type":"audio","source":{"type":"data","value":"{{{wav}}}","mimeType":"audio/wav"}},
             {"type":"document","source":{"type":"data","value":"{{{pdf}}}","mimeType":"application/pdf"}},
             {"type":"binary","mimeType":"image/gif","url":"https://example.com/a.gif"}]
            """);

        await RunAsync(Agent(Server), Input(messages: [new Message { Id = "u", Role = "user", Content = content }]));

        var parts = Messages(Assert.Single(Server.Requests))[0].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["text", "image_url", "image_url", "input_audio", "file", "image_url"], parts.Select(p => p.GetProperty("type").GetString()));
        Assert.Equal("What is this?", parts[0].GetProperty("text").GetString());
        Assert.Equal($"data:image/png;base64,{png}", parts[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("https://example.com/cat.jpg", parts[2].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal(wav, parts[3].GetProperty("input_audio").GetProperty("data").GetString());
        Assert.Equal("wav", parts[3].GetProperty("input_audio").GetProperty("format").GetString());
        Assert.Contains(pdf, parts[4].GetProperty("file").GetProperty("file_data").GetString(), StringComparison.Ordinal);
        Assert.Equal("https://example.com/a.gif", parts[5].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public async Task Options_are_sent_with_the_request()
    {
        await RunAsync(Agent(Server, o => { o.Temperature = 0.25f; o.MaxOutputTokens = 77; o.TopP = 0.5f; o.Seed = 7; o.ToolChoice = "required"; }), Input());

        var body = Assert.Single(Server.Requests).Json!.Value;
        Assert.Equal(0.25, body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.5, body.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal(7, body.GetProperty("seed").GetInt32());
        Assert.Equal(77, body.TryGetProperty("max_completion_tokens", out var m) ? m.GetInt32() : body.GetProperty("max_tokens").GetInt32());
        Assert.Equal("required", body.GetProperty("tool_choice").GetString());
        Assert.True(body.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task Invalid_base64_content_becomes_run_error_without_calling_the_model()
    {
        var content = AgUiJson.Parse("""[{"type":"image","source":{"type":"data","value":"not base64!","mimeType":"image/png"}}]""");

        var events = await RunAsync(Agent(Server), Input(messages: [new Message { Id = "u", Role = "user", Content = content }]));

        Assert.Equal(["RUN_STARTED", "RUN_ERROR"], Types(events));
        Assert.StartsWith("Invalid message content:", Assert.IsType<RunErrorEvent>(events[^1]).Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Empty_assistant_messages_are_not_sent()
    {
        await RunAsync(Agent(Server), Input(messages: [Message.User("u1", "Hi"), Message.Assistant("a1", null), Message.User("u2", "Again")]));

        Assert.Equal(["user", "user"], Messages(Assert.Single(Server.Requests)).EnumerateArray().Select(m => m.GetProperty("role").GetString()));
    }
}
