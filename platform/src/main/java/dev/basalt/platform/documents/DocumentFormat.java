package dev.basalt.platform.documents;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The document formats Basalt reads. The first nine are Bedrock Converse's {@code DocumentFormat} values, with
 * Bedrock's wire names; the rest are formats a knowledge-base data source may hold, which Tika detects from the
 * bytes. JSON is not here: Tika recognises it only by file name and has no parser of its own for it, so an ingestion
 * source declares a JSON file as {@link #TXT}.
 */
public enum DocumentFormat {
    PDF("pdf", "application/pdf", true, false),
    CSV("csv", "text/csv", true, true),
    DOC("doc", "application/msword", true, false),
    DOCX("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", true, false),
    XLS("xls", "application/vnd.ms-excel", true, false),
    XLSX("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", true, false),
    HTML("html", "text/html", true, true),
    TXT("txt", "text/plain", true, true),
    MD("md", "text/x-web-markdown", true, true),
    PPTX("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", false, false),
    ODT("odt", "application/vnd.oasis.opendocument.text", false, false),
    RTF("rtf", "application/rtf", false, false),
    EPUB("epub", "application/epub+zip", false, false),
    XML("xml", "application/xml", false, true);

    private static final String CONVERSE_NAMES = Arrays.stream(values())
            .filter(DocumentFormat::converse)
            .map(DocumentFormat::wireName)
            .collect(Collectors.joining(", "));

    private final String wireName;
    private final String mediaType;
    private final boolean converse;
    private final boolean textual;

    DocumentFormat(String wireName, String mediaType, boolean converse, boolean textual) {
        this.wireName = wireName;
        this.mediaType = mediaType;
        this.converse = converse;
        this.textual = textual;
    }

    /** The name on the wire: Bedrock's {@code format} value, or the usual file extension for the others. */
    public String wireName() {
        return wireName;
    }

    /** The media type (Tika's name for it) the document is parsed as. */
    public String mediaType() {
        return mediaType;
    }

    /** Whether Bedrock Converse accepts it in a {@code document} content block. */
    public boolean converse() {
        return converse;
    }

    /**
     * Whether it is plain text underneath (any text encoding is accepted as this format, since bytes alone cannot
     * tell CSV or Markdown from plain text), rather than a binary or container format that must be detected as such.
     */
    boolean textual() {
        return textual;
    }

    /**
     * The Converse format with this wire name.
     *
     * @throws IllegalArgumentException naming the accepted values when the name is not one of them
     */
    public static DocumentFormat fromWireName(String name) {
        for (DocumentFormat format : values()) {
            if (format.converse && format.wireName.equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException(
                "unknown document format '" + name + "'; expected one of: " + CONVERSE_NAMES);
    }
}
