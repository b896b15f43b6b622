package dev.basalt.platform.documents;

/**
 * The text of one document.
 *
 * @param text      the plain text, without leading and trailing whitespace; never blank
 * @param format    the declared format, or the detected one when none was declared
 * @param mediaType the media type Tika detected from the bytes (more specific than the format at times, e.g. a
 *                  macro-enabled Word file)
 */
public record ExtractedText(String text, DocumentFormat format, String mediaType) {}
