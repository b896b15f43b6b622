/**
 * Bedrock's InvokeModel and InvokeModelWithResponseStream: request bodies in a model provider's native format,
 * answered in the same format. Bedrock picks the format from the model id; Basalt serves every format on every
 * model, so {@link dev.basalt.api.bedrock.invoke.ModelFamilies} recognises it from the body's keys (Anthropic Claude
 * Messages, Meta Llama, Amazon Titan Text, Mistral AI). Message-style bodies go through the model's chat template
 * as Converse's conversations do; prompt-style bodies are tokenized as written (the caller applied the template).
 * Streams send each family's chunks as {@code chunk} events whose payload is {@code {"bytes": base64(chunk)}}, the
 * last one carrying {@code amazon-bedrock-invocationMetrics}.
 */
package dev.basalt.api.bedrock.invoke;
