/**
 * Chat templates: turning a conversation into the exact prompt text a model was trained on.
 *
 * <p>{@link dev.basalt.platform.chat.ChatTemplate} compiles a model's Jinja2 {@code chat_template} (from GGUF
 * {@code tokenizer.chat_template} or Hugging Face's tokenizer_config.json) and renders wire-agnostic
 * {@link dev.basalt.platform.chat.ChatMessage}s and {@link dev.basalt.platform.chat.ToolDefinition}s the way
 * transformers' {@code apply_chat_template} does. Typical use by the runtime:
 * <pre>{@code
 * ChatTemplate template = ChatTemplate.forModel(ggufChatTemplateOrNull, new SpecialTokens(bos, eos));
 * String prompt = template.render(messages, tools, true);   // ChatTemplateException -> 400
 * }</pre>
 * Rendering uses Jinjava with the Python behaviours templates rely on added, in a sandbox with
 * {@link dev.basalt.platform.chat.TemplateLimits}.
 */
package dev.basalt.platform.chat;
