package dev.basalt.api.bedrock.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.JsonBody;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.engine.scheduler.StopReason;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ToolCall;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ReplyBlock;
import dev.basalt.platform.runtime.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Family detection, each family's request reading and response/chunk shapes, and every validation path. */
class ModelFamiliesTest {
    private static final String MODEL = "basalt.tiny";

    private static NativeInvocation parse(String json) {
        return ModelFamilies.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), MODEL);
    }

    private static ModelFamily detect(String json) {
        return ModelFamilies.detect(NativeBody.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8)));
    }

    /** A finished reply (one place to follow ConverseResult's shape). */
    private static ConverseResult result(String text, StopReason reason, int inputTokens, int outputTokens,
                                         long latencyMillis) {
        return new ConverseResult(List.of(new ReplyBlock.Text(text)), reason, inputTokens, 0, outputTokens, latencyMillis);
    }

    private static JsonNode tree(String json) throws Exception {
        return JsonBody.MAPPER.readTree(json.replace('\'', '"'));
    }

    @Test
    void familiesAreRecognisedByTheirKeys() {
        assertThat(detect("{'anthropic_version':'x'}")).isInstanceOf(AnthropicMessages.class);
        assertThat(detect("{'messages':[]}")).isInstanceOf(AnthropicMessages.class);
        assertThat(detect("{'inputText':'x'}")).isInstanceOf(TitanText.class);
        assertThat(detect("{'prompt':'x','max_gen_len':5}")).isInstanceOf(MetaLlama.class);
        assertThat(detect("{'prompt':'x','max_tokens':5}")).isInstanceOf(MistralText.class);
        assertThat(detect("{'prompt':'x','stop':[]}")).isInstanceOf(MistralText.class);
        assertThat(detect("{'prompt':'x','top_k':5}")).isInstanceOf(MistralText.class);
        assertThat(detect("{'prompt':'x','temperature':0.1}")).isInstanceOf(MetaLlama.class);
        assertThat(detect("{'prompt':'x','max_gen_len':5,'top_k':3}")).isInstanceOf(MetaLlama.class);
    }

    private static List<JsonNode> nodes(List<ObjectNode> chunks) {
        return List.copyOf(chunks);
    }

    private static List<ChatMessage> messages(NativeInvocation invocation) {
        return ((InvokeInput.Conversation) invocation.input()).request().messages();
    }

    @Test
    void anthropicToolsToolChoiceAndToolBlocksBecomeTheConversationsTools() throws Exception {
        NativeInvocation invocation = parse("{'anthropic_version':'bedrock-2023-05-31','max_tokens':20,"
                + "'tools':[{'name':'get_weather','description':'Weather','input_schema':{'type':'object'}}],"
                + "'tool_choice':{'type':'tool','name':'get_weather'},"
                + "'messages':[{'role':'user','content':'Weather?'},"
                + "{'role':'assistant','content':[{'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'city':'Oslo'}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'sunny'},"
                + "{'type':'text','text':'And tomorrow?'}]}]}");
        var request = ((InvokeInput.Conversation) invocation.input()).request();
        assertThat(request.tools()).extracting(ToolDefinition::name).containsExactly("get_weather");
        assertThat(request.toolChoice()).isEqualTo(new ToolChoice.Named("get_weather"));
        assertThat(request.messages()).containsExactly(ChatMessage.user("Weather?"),
                ChatMessage.assistant("", List.of(new ToolCall("toolu_1", "get_weather", "{\"city\":\"Oslo\"}"))),
                ChatMessage.toolResult("toolu_1", "get_weather", "sunny"), ChatMessage.user("And tomorrow?"));

        ObjectNode response = invocation.response(new ConverseResult(List.of(new ReplyBlock.ToolUse("tooluse_ab",
                "get_weather", "{\"city\":\"Paris\"}")), StopReason.END_OF_GENERATION, 9, 0, 3, 42));
        assertThat(response.get("content")).isEqualTo(tree("[{'type':'tool_use','id':'toolu_ab','name':'get_weather',"
                + "'input':{'city':'Paris'}}]"));
        assertThat(response.get("stop_reason").asText()).isEqualTo("tool_use");

        NativeChunks chunks = invocation.chunks(9);
        assertThat(nodes(chunks.toolUseStart("tooluse_ab", "get_weather"))).containsExactly(tree("{'type':'content_block_start',"
                + "'index':0,'content_block':{'type':'tool_use','id':'toolu_ab','name':'get_weather','input':{}}}"));
        ObjectNode input = chunks.toolInput("{\"city\"").getFirst();
        assertThat(input.path("index").asInt()).isZero();
        assertThat(input.path("delta").path("type").asText()).isEqualTo("input_json_delta");
        assertThat(input.path("delta").path("partial_json").asText()).isEqualTo("{\"city\"");
        assertThat(nodes(chunks.blockStop())).containsExactly(tree("{'type':'content_block_stop','index':0}"));
    }

    @Test
    void anthropicBodiesBecomeAConversationWithTheirSampling() {
        NativeInvocation invocation = parse("{'anthropic_version':'bedrock-2023-05-31','max_tokens':20,"
                + "'system':[{'type':'text','text':'Be '},{'type':'text','text':'brief.'}],"
                + "'messages':[{'role':'user','content':'Hi'},"
                + "{'role':'assistant','content':[{'type':'text','text':'Hello'}]},"
                + "{'role':'user','content':[{'type':'text','text':'Tell '},{'type':'text','text':'me'}]}],"
                + "'temperature':0.3,'top_p':0.8,'top_k':7,'stop_sequences':['END']}");
        assertThat(messages(invocation)).containsExactly(ChatMessage.system("Be brief."),
                ChatMessage.user("Hi"), ChatMessage.assistant("Hello"), ChatMessage.user("Tell me"));
        SamplingParams sampling = invocation.sampling();
        assertThat(sampling.maxTokens()).isEqualTo(20);
        assertThat(sampling.temperature()).isEqualTo(0.3);
        assertThat(sampling.topP()).isEqualTo(0.8);
        assertThat(sampling.topK()).isEqualTo(7);
        assertThat(sampling.minP()).isZero();
        assertThat(sampling.stop()).containsExactly("END");

        NativeInvocation defaults = parse("{'anthropic_version':'bedrock-2023-05-31','max_tokens':5,"
                + "'system':'S','messages':[{'role':'user','content':'Hi'}]}");
        assertThat(messages(defaults)).containsExactly(ChatMessage.system("S"), ChatMessage.user("Hi"));
        assertThat(defaults.sampling().temperature()).isEqualTo(1.0);
        assertThat(defaults.sampling().topP()).isEqualTo(0.999);
        assertThat(defaults.sampling().topK()).isZero();
    }

    @Test
    void anthropicResponsesAndChunksHaveTheMessagesShape() throws Exception {
        NativeInvocation invocation = parse("{'anthropic_version':'bedrock-2023-05-31','max_tokens':20,"
                + "'messages':[{'role':'user','content':'Hi'}],'stop_sequences':['END']}");
        ObjectNode response = invocation.response(result("Hello", StopReason.STOP_SEQUENCE, 9, 3, 42));
        assertThat(response.get("id").asText()).startsWith("msg_bdrk_");
        response.remove("id");
        assertThat(response).isEqualTo(tree("{'type':'message','role':'assistant','model':'basalt.tiny',"
                + "'content':[{'type':'text','text':'Hello'}],'stop_reason':'stop_sequence','stop_sequence':'END',"
                + "'usage':{'input_tokens':9,'output_tokens':3}}"));
        ObjectNode truncated = invocation.response(result("Hi", StopReason.MAX_TOKENS, 9, 20, 1));
        assertThat(truncated.get("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(truncated.get("stop_sequence").isNull()).isTrue();

        NativeChunks chunks = invocation.chunks(9);
        List<ObjectNode> start = chunks.start();
        assertThat(start).extracting(c -> c.get("type").asText()).containsExactly("message_start");
        ObjectNode message = (ObjectNode) start.getFirst().get("message");
        message.remove("id");
        assertThat(message).isEqualTo(tree("{'type':'message','role':'assistant','model':'basalt.tiny','content':[],"
                + "'stop_reason':null,'stop_sequence':null,'usage':{'input_tokens':9,'output_tokens':0}}"));
        assertThat(nodes(chunks.delta("He"))).containsExactly(tree("{'type':'content_block_start','index':0,"
                + "'content_block':{'type':'text','text':''}}"), tree("{'type':'content_block_delta','index':0,"
                + "'delta':{'type':'text_delta','text':'He'}}"));
        assertThat(nodes(chunks.delta("llo"))).containsExactly(tree("{'type':'content_block_delta','index':0,"
                + "'delta':{'type':'text_delta','text':'llo'}}"));
        assertThat(nodes(chunks.blockStop())).containsExactly(tree("{'type':'content_block_stop','index':0}"));
        assertThat(chunks.end(result("Hello", StopReason.END_OF_GENERATION, 9, 3, 42)))
                .isEqualTo(List.of(tree("{'type':'message_delta','delta':{'stop_reason':'end_turn','stop_sequence':null},"
                                + "'usage':{'output_tokens':3}}"),
                        tree("{'type':'message_stop'}")));
    }

    @Test
    void llamaBodiesArePromptsAnsweredWithGenerations() throws Exception {
        NativeInvocation invocation = parse("{'prompt':'<s>[INST] Hi [/INST]','max_gen_len':30,'temperature':0.2,"
                + "'top_p':0.7}");
        assertThat(invocation.input()).isEqualTo(new InvokeInput.Prompt("<s>[INST] Hi [/INST]"));
        assertThat(invocation.sampling().maxTokens()).isEqualTo(30);
        assertThat(invocation.sampling().temperature()).isEqualTo(0.2);
        assertThat(invocation.sampling().topP()).isEqualTo(0.7);
        NativeInvocation defaults = parse("{'prompt':'Hi'}");
        assertThat(defaults.sampling()).extracting(SamplingParams::maxTokens, SamplingParams::temperature,
                SamplingParams::topP, SamplingParams::topK).containsExactly(512, 0.5, 0.9, 0);

        assertThat(invocation.response(result("Yes", StopReason.END_OF_GENERATION, 7, 2, 5)))
                .isEqualTo(tree("{'generation':'Yes','prompt_token_count':7,'generation_token_count':2,"
                        + "'stop_reason':'stop'}"));
        assertThat(invocation.response(result("Yes", StopReason.MAX_TOKENS, 7, 30, 5))
                .get("stop_reason").asText()).isEqualTo("length");
        NativeChunks chunks = invocation.chunks(7);
        assertThat(chunks.start()).isEmpty();
        assertThat(nodes(chunks.delta("Y"))).containsExactly(tree("{'generation':'Y','prompt_token_count':7,"
                + "'generation_token_count':1,'stop_reason':null}"));
        assertThat(nodes(chunks.delta("es"))).containsExactly(tree("{'generation':'es','prompt_token_count':null,"
                + "'generation_token_count':2,'stop_reason':null}"));
        assertThat(chunks.end(result("Yes", StopReason.END_OF_GENERATION, 7, 3, 5)))
                .containsExactly((ObjectNode) tree("{'generation':'','prompt_token_count':null,"
                        + "'generation_token_count':3,'stop_reason':'stop'}"));
        // A reply with no text still reports the prompt size once.
        assertThat(invocation.chunks(7).end(result("", StopReason.END_OF_GENERATION, 7, 1, 5))
                .getFirst().get("prompt_token_count").asInt()).isEqualTo(7);
    }

    @Test
    void titanBodiesArePromptsAnsweredWithResults() throws Exception {
        NativeInvocation invocation = parse("{'inputText':'User: hi\\nBot:','textGenerationConfig':{"
                + "'maxTokenCount':40,'temperature':0,'topP':0.5,'stopSequences':['User:']}}");
        assertThat(invocation.input()).isEqualTo(new InvokeInput.Prompt("User: hi\nBot:"));
        assertThat(invocation.sampling()).extracting(SamplingParams::maxTokens, SamplingParams::temperature,
                SamplingParams::topP, SamplingParams::stop).containsExactly(40, 0.0, 0.5, List.of("User:"));
        assertThat(parse("{'inputText':'x'}").sampling()).extracting(SamplingParams::maxTokens,
                SamplingParams::temperature, SamplingParams::topP).containsExactly(512, 0.7, 0.9);

        assertThat(invocation.response(result("Hello", StopReason.STOP_SEQUENCE, 6, 2, 5)))
                .isEqualTo(tree("{'inputTextTokenCount':6,'results':[{'tokenCount':2,'outputText':'Hello',"
                        + "'completionReason':'STOP_CRITERIA_MET'}]}"));
        assertThat(invocation.response(result("", StopReason.MAX_TOKENS, 6, 40, 5))
                .at("/results/0/completionReason").asText()).isEqualTo("LENGTH");
        assertThat(invocation.response(result("", StopReason.END_OF_GENERATION, 6, 1, 5))
                .at("/results/0/completionReason").asText()).isEqualTo("FINISH");
        NativeChunks chunks = invocation.chunks(6);
        assertThat(chunks.start()).isEmpty();
        assertThat(nodes(chunks.delta("He"))).containsExactly(tree("{'outputText':'He','index':0,'totalOutputTextTokenCount':1,"
                + "'completionReason':null,'inputTextTokenCount':6}"));
        assertThat(chunks.end(result("Hello", StopReason.END_OF_GENERATION, 6, 2, 5)))
                .containsExactly((ObjectNode) tree("{'outputText':'','index':0,'totalOutputTextTokenCount':2,"
                        + "'completionReason':'FINISH','inputTextTokenCount':6}"));
    }

    @Test
    void mistralBodiesArePromptsAnsweredWithOutputs() throws Exception {
        NativeInvocation invocation = parse("{'prompt':'<s>[INST] Hi [/INST]','max_tokens':12,'stop':['.'],"
                + "'temperature':0.1,'top_p':0.6,'top_k':9}");
        assertThat(invocation.input()).isEqualTo(new InvokeInput.Prompt("<s>[INST] Hi [/INST]"));
        assertThat(invocation.sampling()).extracting(SamplingParams::maxTokens, SamplingParams::temperature,
                SamplingParams::topP, SamplingParams::topK, SamplingParams::stop)
                .containsExactly(12, 0.1, 0.6, 9, List.of("."));
        assertThat(parse("{'prompt':'x','max_tokens':3}").sampling()).extracting(SamplingParams::temperature,
                SamplingParams::topP, SamplingParams::topK).containsExactly(0.5, 0.9, 50);

        assertThat(invocation.response(result("Yo", StopReason.STOP_SEQUENCE, 6, 2, 5)))
                .isEqualTo(tree("{'outputs':[{'text':'Yo','stop_reason':'stop'}]}"));
        assertThat(invocation.response(result("Yo", StopReason.CONTEXT_LENGTH, 6, 2, 5)))
                .isEqualTo(tree("{'outputs':[{'text':'Yo','stop_reason':'length'}]}"));
        NativeChunks chunks = invocation.chunks(6);
        assertThat(chunks.start()).isEmpty();
        assertThat(nodes(chunks.delta("Y"))).containsExactly(tree("{'outputs':[{'text':'Y','stop_reason':null}]}"));
        assertThat(chunks.end(result("Yo", StopReason.MAX_TOKENS, 6, 12, 5)))
                .containsExactly((ObjectNode) tree("{'outputs':[{'text':'','stop_reason':'length'}]}"));
    }

    static Stream<Arguments> badBodies() {
        String anthropic = "'anthropic_version':'bedrock-2023-05-31','max_tokens':5,";
        String hi = "'messages':[{'role':'user','content':'Hi'}]";
        return Stream.of(
                Arguments.of("", "#: the request body is empty"),
                Arguments.of("not json", "#: the body is not valid JSON"),
                Arguments.of("[1]", "#: expected type: JSONObject, found: JSONArray"),
                Arguments.of("{'foo':1}", "matches no supported model family"),
                // Anthropic
                Arguments.of("{" + anthropic + hi + ",'foo':1}", "#: extraneous key [foo] is not permitted"),
                Arguments.of("{'max_tokens':5," + hi + "}", "#: required key [anthropic_version] not found"),
                Arguments.of("{'anthropic_version':'v1','max_tokens':5," + hi + "}",
                        "#/anthropic_version: v1 is not a valid enum value"),
                Arguments.of("{'anthropic_version':'bedrock-2023-05-31'," + hi + "}",
                        "#: required key [max_tokens] not found"),
                Arguments.of("{'anthropic_version':'bedrock-2023-05-31','max_tokens':1.5," + hi + "}",
                        "#/max_tokens: expected type: Integer, found: BigDecimal"),
                Arguments.of("{'anthropic_version':'bedrock-2023-05-31','max_tokens':0," + hi + "}",
                        "#/max_tokens: 0 is not greater or equal to 1"),
                Arguments.of("{" + anthropic.substring(0, anthropic.length() - 1) + "}",
                        "#: required key [messages] not found"),
                Arguments.of("{" + anthropic + "'messages':{}}", "#/messages: expected type: JSONArray"),
                Arguments.of("{" + anthropic + "'messages':['Hi']}", "#/messages/0: expected type: JSONObject"),
                Arguments.of("{" + anthropic + "'messages':[{'role':'user'}]}",
                        "#/messages/0: required key [content] not found"),
                Arguments.of("{" + anthropic + "'messages':[{'role':'bot','content':'Hi'}]}",
                        "#/messages/0/role: bot is not a valid enum value"),
                Arguments.of("{" + anthropic + "'messages':[{'role':'user','content':'Hi','x':1}]}",
                        "#/messages/0: extraneous key [x]"),
                Arguments.of("{" + anthropic + "'messages':[{'role':'user','content':7}]}",
                        "#/messages/0/content: expected type: String or JSONArray, found: Integer"),
                Arguments.of("{" + anthropic + "'messages':[{'role':'user','content':[{'type':'image'}]}]}",
                        "#/messages/0/content/0/type: content of type image is not supported by this model"),
                Arguments.of("{" + anthropic + "'messages':[{'role':'user','content':[{'type':'text'}]}]}",
                        "#/messages/0/content/0: required key [text] not found"),
                Arguments.of("{" + anthropic + "'system':[{'type':'text','text':'a','z':2}]," + hi + "}",
                        "#/system/0: extraneous key [z]"),
                Arguments.of("{" + anthropic + hi + ",'temperature':'hot'}",
                        "#/temperature: expected type: Number, found: String"),
                Arguments.of("{" + anthropic + hi + ",'temperature':1.5}", "#/temperature: 1.5 is not less or equal to 1"),
                Arguments.of("{" + anthropic + hi + ",'top_k':501}", "#/top_k: 501 is not less or equal to 500"),
                Arguments.of("{" + anthropic + hi + ",'stop_sequences':'END'}",
                        "#/stop_sequences: expected type: JSONArray, found: String"),
                Arguments.of("{" + anthropic + hi + ",'stop_sequences':[1]}",
                        "#/stop_sequences/0: expected type: String, found: Integer"),
                Arguments.of("{" + anthropic + hi + ",'stop_sequences':['a','b','c','d','e']}",
                        "at most 4 stop sequences"),
                Arguments.of("{" + anthropic + hi + ",'tool_choice':{'type':'any'}}",
                        "#/tool_choice: A tool choice other than auto needs at least one tool"),
                Arguments.of("{" + anthropic + hi + ",'tools':[{'name':'t','input_schema':{}}],"
                        + "'tool_choice':{'type':'tool','name':'u'}}", "names the tool u"),
                Arguments.of("{" + anthropic + hi + ",'tools':[{'name':'t','type':'computer_20241022','input_schema':{}}]}",
                        "computer_20241022 tools"),
                Arguments.of("{" + anthropic + hi + ",'tools':[{'name':'t','input_schema':[]}]}",
                        "#/tools/0/input_schema: expected type: JSONObject"),
                // Meta Llama
                Arguments.of("{'prompt':'x','max_gen_len':5,'seed':1}", "#: extraneous key [seed]"),
                Arguments.of("{'prompt':'x','max_gen_len':5000}", "#/max_gen_len: 5000 is not less or equal to 2048"),
                Arguments.of("{'prompt':'','max_gen_len':5}", "#/prompt: expected minLength: 1, actual: 0"),
                Arguments.of("{'prompt':3}", "#/prompt: expected type: String, found: Integer"),
                Arguments.of("{'prompt':'x','top_p':-0.1}", "#/top_p: -0.1 is not greater or equal to 0"),
                Arguments.of("{'prompt':'x','top_p':0}", "topP must be in (0, 1]"),
                Arguments.of("{'max_gen_len':5}", "matches no supported model family"),
                // Amazon Titan
                Arguments.of("{'inputText':'x','foo':1}", "#: extraneous key [foo]"),
                Arguments.of("{'inputText':null}", "#/inputText: expected type: String, found: null"),
                Arguments.of("{'inputText':'x','textGenerationConfig':[]}",
                        "#/textGenerationConfig: expected type: JSONObject, found: JSONArray"),
                Arguments.of("{'inputText':'x','textGenerationConfig':{'max':1}}",
                        "#/textGenerationConfig: extraneous key [max]"),
                Arguments.of("{'inputText':'x','textGenerationConfig':{'maxTokenCount':9000}}",
                        "#/textGenerationConfig/maxTokenCount: 9000 is not less or equal to 8192"),
                Arguments.of("{'inputText':'x','textGenerationConfig':{'stopSequences':[true]}}",
                        "#/textGenerationConfig/stopSequences/0: expected type: String, found: Boolean"),
                // Mistral
                Arguments.of("{'prompt':'x','max_tokens':5,'min_p':0.1}", "#: extraneous key [min_p]"),
                Arguments.of("{'prompt':'x','max_tokens':5,'top_k':0}", "#/top_k: 0 is not greater or equal to 1"),
                Arguments.of("{'prompt':'x','max_tokens':99999999999}",
                        "#/max_tokens: 99999999999 is not less or equal to 8192"),
                Arguments.of("{'max_tokens':5,'stop':[]}", "matches no supported model family"));
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void badBodiesAreValidationErrorsNamingTheField(String body, String message) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(ValidationException.class)
                .hasMessageContaining(message);
    }
}
