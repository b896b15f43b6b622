package dev.basalt.api.bedrock.invoke;

/** One model provider's native request/response format for InvokeModel. */
interface ModelFamily {
    /** Validates {@code body} (every field, unknown keys rejected) and reads it. */
    NativeInvocation parse(NativeBody body, String modelId);
}
