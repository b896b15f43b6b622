package dev.basalt.platform.documents;

import dev.basalt.platform.documents.DocumentException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.sax.BodyContentHandler;
import org.apache.tika.sax.WriteOutContentHandler;

/**
 * Turns document bytes into plain text with Apache Tika, within {@link DocumentLimits}. One instance serves the
 * whole process (Tika's configuration is loaded once); it is thread-safe.
 *
 * <p>Each document is detected and parsed on a worker thread of a small pool of platform threads, and the caller
 * waits at most the timeout. A parser that does not stop when interrupted (a tight loop on a crafted file) is
 * abandoned: the caller gets {@link Kind#TIMEOUT} at once and the worker stays busy until the parser returns. The
 * pool is bounded so that abandoned workers cannot multiply; virtual threads are not used because a spinning parser
 * would pin one of the few carrier threads every request shares.
 *
 * <p>Tika reads from memory (temporary files only where a parser needs random access), follows no links and resolves
 * no external XML entities; embedded documents (attachments, OLE objects) are not descended into.
 */
public final class DocumentText implements AutoCloseable {

    private static final MediaType PLAIN_TEXT = MediaType.TEXT_PLAIN;
    private static final MediaType OOXML = MediaType.application("x-tika-ooxml");
    /** What Tika detects for an OOXML file saved with a password: an OLE2 container holding the encrypted package. */
    private static final MediaType PROTECTED_OOXML = MediaType.application("x-tika-ooxml-protected");

    private final Detector detector;
    private final MediaTypeRegistry registry;
    private final Parser parser;
    private final ThreadPoolExecutor workers;

    /** @param maxConcurrentParses how many documents are parsed at once; more wait in line, within their timeout */
    public DocumentText(int maxConcurrentParses) {
        this(TikaConfig.getDefaultConfig().getParser(), maxConcurrentParses);
    }

    /** With another parser in place of Tika's (tests use a parser that never finishes). */
    DocumentText(Parser parser, int maxConcurrentParses) {
        if (maxConcurrentParses <= 0) {
            throw new IllegalArgumentException("maxConcurrentParses must be positive");
        }
        TikaConfig config = TikaConfig.getDefaultConfig();
        this.detector = config.getDetector();
        this.registry = config.getMediaTypeRegistry();
        this.parser = parser;
        this.workers = new ThreadPoolExecutor(maxConcurrentParses, maxConcurrentParses, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name("basalt-document-parser-", 0).factory());
        this.workers.allowCoreThreadTimeOut(true);
    }

    /**
     * The text of a document.
     *
     * @param declared the format the caller says it is, checked against the bytes; {@code null} to detect it
     * @throws DocumentException when the document is too large, not the declared format, unreadable, encrypted,
     *                           without text, too long, or too slow to parse
     * @throws CancellationException when the calling thread is interrupted while waiting (the parse is cancelled)
     */
    public ExtractedText extract(byte[] document, DocumentFormat declared, DocumentLimits limits) {
        if (document.length > limits.maxInputBytes()) {
            throw tooLarge(limits, "is " + document.length + " bytes");
        }
        Future<ExtractedText> parse = workers.submit(() -> extractNow(document, declared, limits));
        try {
            return parse.get(limits.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            parse.cancel(true);
            throw new DocumentException(Kind.TIMEOUT,
                    "the document took longer than the limit of " + limits.timeout().toMillis() + " ms to read");
        } catch (InterruptedException e) {
            parse.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while reading a document");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DocumentException failure) {
                throw failure;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw corrupt(declared, cause);
        }
    }

    /** As {@link #extract(byte[], DocumentFormat, DocumentLimits)}, reading at most one byte past the size limit. */
    public ExtractedText extract(InputStream document, DocumentFormat declared, DocumentLimits limits) {
        byte[] bytes;
        try {
            bytes = document.readNBytes(Math.toIntExact(limits.maxInputBytes() + 1));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the document", e);
        }
        if (bytes.length > limits.maxInputBytes()) {
            throw tooLarge(limits, "is larger than that");
        }
        return extract(bytes, declared, limits);
    }

    /** Stops the workers; parses in progress are interrupted. */
    @Override
    public void close() {
        workers.shutdownNow();
    }

    private ExtractedText extractNow(byte[] document, DocumentFormat declared, DocumentLimits limits)
            throws IOException {
        if (document.length == 0) {
            throw noText();
        }
        MediaType detected;
        try (TikaInputStream in = TikaInputStream.get(document)) {
            detected = detector.detect(in, new Metadata());
        }
        if (registry.isInstanceOf(detected, PROTECTED_OOXML)
                && (declared == null || registry.isInstanceOf(MediaType.parse(declared.mediaType()), OOXML))) {
            throw encrypted(declared);
        }
        DocumentFormat format = declared == null ? formatOf(detected) : checkDeclared(declared, detected);
        if (registry.isInstanceOf(detected, MediaType.APPLICATION_ZIP)) {
            try {
                ZipExpansion.check(document, limits.maxUnpackedBytes());
            } catch (IOException unreadable) {
                throw corrupt(format, unreadable);
            }
        }
        // Text formats are parsed as declared (bytes alone do not tell CSV from plain text); others as detected,
        // which may be more specific than the format (a macro-enabled workbook).
        MediaType parseAs = format.textual() ? MediaType.parse(format.mediaType()) : detected;
        String text = parse(document, parseAs, format, limits).strip();
        if (text.isEmpty()) {
            throw noText();
        }
        return new ExtractedText(text, format, detected.toString());
    }

    private DocumentFormat formatOf(MediaType detected) {
        return knownFormat(detected).orElseThrow(() -> new DocumentException(Kind.UNSUPPORTED_FORMAT,
                "the document's format (" + detected + ") is not one Basalt can read"));
    }

    /** The format of the detected type or of its nearest supertype that is one. */
    private Optional<DocumentFormat> knownFormat(MediaType detected) {
        for (MediaType type = detected; type != null; type = registry.getSupertype(type)) {
            for (DocumentFormat format : DocumentFormat.values()) {
                if (format.mediaType().equals(type.toString())) {
                    return Optional.of(format);
                }
            }
        }
        return Optional.empty();
    }

    private DocumentFormat checkDeclared(DocumentFormat declared, MediaType detected) {
        MediaType expected = declared.textual() ? PLAIN_TEXT : MediaType.parse(declared.mediaType());
        if (registry.isInstanceOf(detected, expected)) {
            return declared;
        }
        String actual = declared.textual() ? "binary data (" + detected + ")" : describeDetected(detected);
        throw new DocumentException(Kind.FORMAT_MISMATCH, "the document was declared as " + declared.wireName()
                + " but its content is " + actual);
    }

    private String describeDetected(MediaType detected) {
        return knownFormat(detected).map(format -> "a " + format.wireName() + " document")
                .orElse("of type " + detected);
    }

    private String parse(byte[] document, MediaType parseAs, DocumentFormat format, DocumentLimits limits)
            throws IOException {
        Metadata metadata = new Metadata();
        // Tika's composite parser picks the parser for this type (or its nearest supertype).
        metadata.set(Metadata.CONTENT_TYPE, parseAs.toString());
        // Throws once the limit is passed, so a document can never make Tika buffer more text than that.
        WriteOutContentHandler text = new WriteOutContentHandler(limits.maxOutputChars());
        try (TikaInputStream in = TikaInputStream.get(document)) {
            parser.parse(in, new BodyContentHandler(text), metadata, new ParseContext());
        } catch (Exception | StackOverflowError e) {
            throw failure(format, limits, e);
        }
        return text.toString();
    }

    private static DocumentException failure(DocumentFormat format, DocumentLimits limits, Throwable e) {
        if (WriteLimitReachedException.isWriteLimitReached(e)) {
            return new DocumentException(Kind.TEXT_TOO_LONG,
                    "the document's text is longer than the limit of " + limits.maxOutputChars() + " characters");
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof EncryptedDocumentException) {
                return encrypted(format);
            }
        }
        return corrupt(format, e);
    }

    private static DocumentException tooLarge(DocumentLimits limits, String size) {
        return new DocumentException(Kind.TOO_LARGE,
                "the document " + size + "; the limit is " + limits.maxInputBytes() + " bytes");
    }

    private static DocumentException encrypted(DocumentFormat format) {
        return new DocumentException(Kind.ENCRYPTED,
                "the " + name(format) + " is encrypted or password-protected; send it without a password");
    }

    private static DocumentException corrupt(DocumentFormat format, Throwable cause) {
        return new DocumentException(Kind.CORRUPT, "the " + name(format) + " is damaged or cannot be read", cause);
    }

    private static DocumentException noText() {
        return new DocumentException(Kind.NO_TEXT, "the document contains no text");
    }

    private static String name(DocumentFormat format) {
        return format == null ? "document" : format.wireName() + " document";
    }
}
