/**
 * Hugging Face checkpoints (a folder with {@code config.json}, {@code *.safetensors} and {@code tokenizer.json})
 * converted into the engine's GGUF format: {@link dev.basalt.platform.convert.SafetensorsFile} reads the
 * weights, {@link dev.basalt.platform.convert.HfToGguf} maps names, hyperparameters and the tokenizer the way
 * llama.cpp's {@code convert_hf_to_gguf.py} does.
 *
 * <p>It lives in platform rather than in the engine's {@code gguf} package because every input is JSON (the
 * safetensors header, config and tokenizer files) and the engine has no JSON library by design; the engine
 * only ever sees the GGUF file this writes.
 */
package dev.basalt.platform.convert;
