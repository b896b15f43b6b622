package dev.basalt.api.bedrock.invoke;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.runtime.ConverseResult;

/** A validated native InvokeModel body: what to run, and how to answer in the body's own model family. */
public interface NativeInvocation {
    InvokeInput input();

    SamplingParams sampling();

    /** The InvokeModel response body. */
    ObjectNode response(ConverseResult result);

    /** The InvokeModelWithResponseStream chunks of one reply whose prompt takes {@code inputTokens}. */
    NativeChunks chunks(int inputTokens);
}
