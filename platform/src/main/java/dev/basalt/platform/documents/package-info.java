/**
 * Documents to text: the text of a Converse {@code document} content block, and of a knowledge-base source file.
 *
 * <p>{@link dev.basalt.platform.documents.DocumentText} runs Apache Tika's parsers (PDF, Microsoft Office, OpenDocument,
 * EPUB, RTF, HTML, XML, text and CSV modules only) within {@link dev.basalt.platform.documents.DocumentLimits}:
 * <pre>{@code
 * DocumentText documents = new DocumentText(2);                  // one per process
 * ExtractedText text = documents.extract(bytes, DocumentFormat.fromWireName(format), DocumentLimits.CONVERSE);
 * }</pre>
 * Every failure is a {@link dev.basalt.platform.documents.DocumentException} (a validation error, 400).
 */
package dev.basalt.platform.documents;
