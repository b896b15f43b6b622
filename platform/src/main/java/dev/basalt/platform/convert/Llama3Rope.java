package dev.basalt.platform.convert;

/**
 * Llama 3.1+'s RoPE scaling ({@code rope_scaling.rope_type = llama3}) as the per-frequency divisors GGUF keeps
 * in the {@code rope_freqs.weight} tensor: high frequencies (wavelength under {@code original / high}) are kept,
 * low ones (over {@code original / low}) divided by {@code factor}, and those between interpolated smoothly.
 * Computed in float as convert_hf_to_gguf.py does with float32 tensors.
 */
record Llama3Rope(float factor, float lowFreqFactor, float highFreqFactor, int originalContext) {

    Llama3Rope {
        if (!(factor > 0) || !(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || originalContext <= 0) {
            throw new ModelConversionException(HfConfig.FILE + ": llama3 rope_scaling needs factor > 0 and"
                    + " 0 < low_freq_factor < high_freq_factor, not " + this);
        }
    }

    /** One divisor per rotary pair of a head of {@code headDim} values. */
    float[] frequencyDivisors(float theta, int headDim) {
        float lowFreqWavelength = originalContext / lowFreqFactor;
        float highFreqWavelength = originalContext / highFreqFactor;
        float[] divisors = new float[headDim / 2];
        for (int i = 0; i < divisors.length; i++) {
            float frequency = 1f / (float) Math.pow(theta, (float) (2 * i) / headDim);
            float wavelength = (float) (2 * Math.PI) / frequency;
            if (wavelength < highFreqWavelength) {
                divisors[i] = 1;
            } else if (wavelength > lowFreqWavelength) {
                divisors[i] = factor;
            } else {
                float smooth = (originalContext / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                divisors[i] = 1 / ((1 - smooth) / factor + smooth);
            }
        }
        return divisors;
    }
}
