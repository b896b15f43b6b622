package dev.basalt.platform.documents;

import java.time.Duration;

/**
 * Bounds on reading one document. Documents come from callers, so each is hostile until parsed: these keep a
 * crafted file from exhausting memory or holding a request forever.
 *
 * @param maxInputBytes    the largest document accepted, in bytes
 * @param maxUnpackedBytes the most a zip-based document (docx, xlsx, pptx, odt, epub) may hold once inflated; the
 *                         parsers keep whole parts in memory, so this bounds their heap, not the input size
 * @param maxOutputChars   the most characters of text (whitespace included, before trimming) a document may yield;
 *                         more is an error rather than a silent truncation, as a model answering from half a document
 *                       is worse than a clear refusal
 * @param timeout          wall-clock budget for detecting and parsing, waiting for a free parser included
 */
public record DocumentLimits(long maxInputBytes, long maxUnpackedBytes, int maxOutputChars, Duration timeout) {

    /**
     * Converse's limit of 4.5 MB per document (taken as MiB, the generous reading); 128 MiB unpacked, well above
     * what 4.5 MB of real Office XML inflates to (about 20 times); a text bound that fits any context window Basalt
     * serves; 30 seconds, far above what a 4.5 MB file of a supported format needs.
     */
    public static final DocumentLimits CONVERSE =
            new DocumentLimits(4_718_592, 128L << 20, 4_000_000, Duration.ofSeconds(30));

    public DocumentLimits {
        if (maxInputBytes <= 0 || maxUnpackedBytes <= 0 || maxOutputChars <= 0) {
            throw new IllegalArgumentException("document limits must be positive");
        }
        if (maxInputBytes >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("documents are read into memory: maxInputBytes must be below 2 GiB");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("document parse timeout must be positive");
        }
    }
}
