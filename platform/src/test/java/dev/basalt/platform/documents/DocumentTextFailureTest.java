package dev.basalt.platform.documents;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.basalt.platform.documents.DocumentException.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.hssf.record.crypto.Biff8EncryptionKey;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.crypt.Encryptor;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.ContentHandler;

/**
 * Bad documents made here with the libraries that write the formats (PDFBox, POI): each fails with its own
 * {@link Kind} and a message that names the problem and nothing of the parser.
 */
class DocumentTextFailureTest {

    private static final DocumentText DOCUMENTS = new DocumentText(2);
    private static final DocumentLimits LIMITS = DocumentLimits.CONVERSE;

    @AfterAll
    static void stop() {
        DOCUMENTS.close();
    }

    @Test
    void generatedDocumentsAreReadAsTheyAreWritten() throws IOException {
        assertThat(DOCUMENTS.extract(pdf("Basalt reads PDF", null), DocumentFormat.PDF, LIMITS).text())
                .isEqualTo("Basalt reads PDF");
        assertThat(DOCUMENTS.extract(docx("Basalt reads Word"), DocumentFormat.DOCX, LIMITS).text())
                .isEqualTo("Basalt reads Word");
        assertThat(DOCUMENTS.extract(workbook(new HSSFWorkbook(), "Basalt reads Excel 97"), DocumentFormat.XLS, LIMITS)
                .text()).contains("Basalt reads Excel 97");
        assertThat(DOCUMENTS.extract(workbook(new XSSFWorkbook(), "Basalt reads Excel"), DocumentFormat.XLSX, LIMITS)
                .text()).contains("Basalt reads Excel");
    }

    @Test
    void truncatedPdfIsCorrupt() throws IOException {
        byte[] pdf = pdf("Basalt reads PDF", null);
        byte[] truncated = Arrays.copyOf(pdf, pdf.length / 3);

        assertFails(truncated, DocumentFormat.PDF, LIMITS, Kind.CORRUPT, "the pdf document is damaged or cannot be read");
    }

    @Test
    void passwordProtectedPdfIsEncrypted() throws IOException {
        assertFails(pdf("secret text", "open sesame"), DocumentFormat.PDF, LIMITS, Kind.ENCRYPTED,
                "the pdf document is encrypted or password-protected; send it without a password");
    }

    @Test
    void passwordProtectedDocxIsEncryptedWhetherDeclaredOrDetected() throws Exception {
        byte[] encrypted = encrypt(docx("secret text"), "open sesame");

        assertFails(encrypted, DocumentFormat.DOCX, LIMITS, Kind.ENCRYPTED,
                "the docx document is encrypted or password-protected; send it without a password");
        assertFails(encrypted, null, LIMITS, Kind.ENCRYPTED,
                "the document is encrypted or password-protected; send it without a password");
    }

    @Test
    void passwordProtectedXlsIsEncrypted() throws IOException {
        byte[] encrypted;
        Biff8EncryptionKey.setCurrentUserPassword("open sesame");
        try {
            encrypted = workbook(new HSSFWorkbook(), "secret text");
        } finally {
            Biff8EncryptionKey.setCurrentUserPassword(null);
        }

        assertFails(encrypted, DocumentFormat.XLS, LIMITS, Kind.ENCRYPTED,
                "the xls document is encrypted or password-protected; send it without a password");
    }

    @Test
    void zipThatUnpacksBeyondTheLimitIsRefusedBeforeParsing() throws IOException {
        byte[] modest = paddedDocx(1 << 10);
        byte[] bomb = paddedDocx(200 << 20);
        assertThat((long) bomb.length).isLessThan(LIMITS.maxInputBytes() / 10);

        assertThat(DOCUMENTS.extract(modest, DocumentFormat.DOCX, LIMITS).text()).isEqualTo("after the padding");
        for (DocumentFormat declaredOrDetected : Arrays.asList(DocumentFormat.DOCX, null)) {
            assertFails(bomb, declaredOrDetected, LIMITS, Kind.TOO_LARGE,
                    "the document unpacks to more than 134217728 bytes, the limit for its unpacked contents");
        }
    }

    @Test
    void bytesOfAnotherFormatAreAMismatch() throws IOException {
        assertFails(docx("a Word file"), DocumentFormat.PDF, LIMITS, Kind.FORMAT_MISMATCH,
                "the document was declared as pdf but its content is a docx document");
        assertFails(pdf("a PDF file", null), DocumentFormat.XLSX, LIMITS, Kind.FORMAT_MISMATCH,
                "the document was declared as xlsx but its content is a pdf document");
        assertFails(pdf("a PDF file", null), DocumentFormat.TXT, LIMITS, Kind.FORMAT_MISMATCH,
                "the document was declared as txt but its content is binary data (application/pdf)");
    }

    @Test
    void undetectableFormatIsUnsupported() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

        assertFails(png, null, LIMITS, Kind.UNSUPPORTED_FORMAT,
                "the document's format (image/png) is not one Basalt can read");
    }

    @Test
    void documentsWithoutTextAreRefused() throws IOException {
        String noText = "the document contains no text";
        assertFails(new byte[0], DocumentFormat.TXT, LIMITS, Kind.NO_TEXT, noText);
        assertFails(" \n\t \r\n ".getBytes(UTF_8), DocumentFormat.TXT, LIMITS, Kind.NO_TEXT, noText);
        assertFails("<html><body><p> </p></body></html>".getBytes(UTF_8), DocumentFormat.HTML, LIMITS, Kind.NO_TEXT,
                noText);
        assertFails(pdf(null, null), DocumentFormat.PDF, LIMITS, Kind.NO_TEXT, noText);
    }

    @Test
    void inputLargerThanTheLimitIsRefusedBeforeParsing() {
        DocumentLimits tiny = new DocumentLimits(100, 1000, 1000, Duration.ofSeconds(10));
        byte[] exactly = "x".repeat(100).getBytes(UTF_8);
        byte[] over = "x".repeat(101).getBytes(UTF_8);

        assertThat(DOCUMENTS.extract(exactly, DocumentFormat.TXT, tiny).text()).hasSize(100);
        assertThat(DOCUMENTS.extract(new ByteArrayInputStream(exactly), DocumentFormat.TXT, tiny).text()).hasSize(100);
        assertFails(over, DocumentFormat.TXT, tiny, Kind.TOO_LARGE,
                "the document is 101 bytes; the limit is 100 bytes");
        DocumentException fromStream = catchThrowableOfType(DocumentException.class,
                () -> DOCUMENTS.extract(new ByteArrayInputStream(over), DocumentFormat.TXT, tiny));
        assertThat(fromStream.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(fromStream).hasMessage("the document is larger than that; the limit is 100 bytes");
    }

    @Test
    void textLongerThanTheLimitIsRefused() {
        DocumentLimits limits = new DocumentLimits(10_000, 10_000, 500, Duration.ofSeconds(10));
        byte[] within = "word ".repeat(99).getBytes(UTF_8);
        byte[] over = "word ".repeat(101).getBytes(UTF_8);

        assertThat(DOCUMENTS.extract(within, DocumentFormat.TXT, limits).text()).hasSize(99 * 5 - 1);
        assertFails(over, DocumentFormat.TXT, limits, Kind.TEXT_TOO_LONG,
                "the document's text is longer than the limit of 500 characters");
    }

    @Test
    void parserThatNeverFinishesIsAbandonedAtTheTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (DocumentText stuck = new DocumentText(new SpinningParser(release), 1)) {
            DocumentLimits limits = new DocumentLimits(1000, 1000, 1000, Duration.ofMillis(200));
            long start = System.nanoTime();

            DocumentException failure = catchThrowableOfType(DocumentException.class,
                    () -> stuck.extract("hello".getBytes(UTF_8), DocumentFormat.TXT, limits));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(failure.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(failure).hasMessage("the document took longer than the limit of 200 ms to read");
        } finally {
            release.countDown();
        }
    }

    @Test
    void xmlExternalEntitiesAreNotResolved(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-MARKER");
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE doc [<!ENTITY leak SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<doc><title>visible text</title><body>&leak;</body></doc>";

        ExtractedText text = DOCUMENTS.extract(xml.getBytes(UTF_8), DocumentFormat.XML, LIMITS);

        assertThat(text.text()).contains("visible text").doesNotContain("TOP-SECRET-MARKER");
    }

    private static void assertFails(byte[] document, DocumentFormat declared, DocumentLimits limits, Kind kind,
            String message) {
        assertThatThrownBy(() -> DOCUMENTS.extract(document, declared, limits))
                .isInstanceOfSatisfying(DocumentException.class, e -> assertThat(e.kind()).isEqualTo(kind))
                .hasMessage(message);
    }

    /** A one-page PDF showing {@code text} (a blank page when null), encrypted when {@code password} is set. */
    private static byte[] pdf(String text, String password) throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage();
            document.addPage(page);
            if (text != null) {
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.beginText();
                    content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    content.newLineAtOffset(72, 700);
                    content.showText(text);
                    content.endText();
                }
            }
            if (password != null) {
                StandardProtectionPolicy policy = new StandardProtectionPolicy(password, password, new AccessPermission());
                policy.setEncryptionKeyLength(128);
                document.protect(policy);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    private static byte[] docx(String text) throws IOException {
        try (XWPFDocument document = new XWPFDocument()) {
            document.createParagraph().createRun().setText(text);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.write(out);
            return out.toByteArray();
        }
    }

    private static byte[] workbook(Workbook workbook, String text) throws IOException {
        try (workbook) {
            workbook.createSheet("Sheet1").createRow(0).createCell(0).setCellValue(text);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            workbook.write(out);
            return out.toByteArray();
        }
    }

    /** The docx inside an OLE2 container with Office's agile encryption, as Word saves it with a password. */
    private static byte[] encrypt(byte[] docx, String password) throws Exception {
        try (POIFSFileSystem container = new POIFSFileSystem()) {
            Encryptor encryptor = new EncryptionInfo(EncryptionMode.agile).getEncryptor();
            encryptor.confirmPassword(password);
            try (OPCPackage ooxml = OPCPackage.open(new ByteArrayInputStream(docx));
                    OutputStream encrypted = encryptor.getDataStream(container)) {
                ooxml.save(encrypted);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            container.writeFilesystem(out);
            return out.toByteArray();
        }
    }

    /**
     * A well-formed docx whose body starts with {@code padding} bytes of spaces, then a paragraph: a few hundred
     * kilobytes that inflate to the padding, which Word's parser would hold in memory several times over.
     */
    private static byte[] paddedDocx(int padding) throws IOException {
        String word = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
            zip.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                    + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                    + "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
                    + "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>").getBytes(UTF_8));
            zip.putNextEntry(new ZipEntry("_rels/.rels"));
            zip.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + "<Relationship Id=\"rId1\" Target=\"word/document.xml\" Type=\"http://schemas.openxmlformats.org/"
                    + "officeDocument/2006/relationships/officeDocument\"/></Relationships>").getBytes(UTF_8));
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            zip.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"" + word + "\"><w:body>")
                    .getBytes(UTF_8));
            byte[] spaces = new byte[Math.min(padding, 1 << 20)];
            Arrays.fill(spaces, (byte) ' ');
            for (int written = 0; written < padding; written += spaces.length) {
                zip.write(spaces);
            }
            zip.write("<w:p><w:r><w:t>after the padding</w:t></w:r></w:p></w:body></w:document>".getBytes(UTF_8));
        }
        return out.toByteArray();
    }

    /** Spins, deaf to interrupts, until released: what a parser stuck on a hostile file looks like. */
    private record SpinningParser(CountDownLatch release) implements Parser {
        @Override
        public Set<MediaType> getSupportedTypes(ParseContext context) {
            return Set.of(MediaType.TEXT_PLAIN);
        }

        @Override
        public void parse(java.io.InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context) {
            while (release.getCount() > 0) {
                Thread.onSpinWait();
            }
        }
    }
}
