package dev.basalt.platform.documents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.testkit.ReferenceData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Apache Tika's own test documents, one per format, against the text Tika 2.9.2's command-line app extracted from
 * them ({@code rag/documents/tika-2.9.2-text}): every non-blank line of that text, whitespace collapsed, must appear
 * among the lines Basalt extracts. Layout whitespace differs between Tika versions; words and line breaks do not.
 */
class DocumentTextReferenceTest {

    private static final DocumentText DOCUMENTS = new DocumentText(2);

    @AfterAll
    static void stop() {
        DOCUMENTS.close();
    }

    /** file, declared format, the format detection finds without one (CSV and Markdown look like plain text). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "testPDF.pdf, PDF, PDF",
        "testPDF_twoAuthors.pdf, PDF, PDF",
        "testPDFTripleLangTitle.pdf, PDF, PDF",
        "testWORD.docx, DOCX, DOCX",
        "testEXCEL.xlsx, XLSX, XLSX",
        "testPPT.pptx, PPTX, PPTX",
        "testRTF.rtf, RTF, RTF",
        "testHTML.html, HTML, HTML",
        "testHTML_utf8.html, HTML, HTML",
        "testMARKDOWN.md, MD, TXT",
        "testODFwithOOo3.odt, ODT, ODT",
        "testEPUB.epub, EPUB, EPUB",
        "testXML.xml, XML, XML",
        "testTXT.txt, TXT, TXT",
        "testTXTNonASCIIUTF8.txt, TXT, TXT",
        "testCSV.csv, CSV, TXT",
    })
    void extractsTheTextTikaExtracts(String file, DocumentFormat declared, DocumentFormat detected) throws IOException {
        Path document = ReferenceData.require("rag/documents/" + file);
        List<String> expected = normalizedLines(
                Files.readString(ReferenceData.require("rag/documents/tika-2.9.2-text/" + file + ".txt")));

        ExtractedText asDeclared = DOCUMENTS.extract(Files.readAllBytes(document), declared, DocumentLimits.CONVERSE);
        ExtractedText asDetected;
        try (InputStream in = Files.newInputStream(document)) {
            asDetected = DOCUMENTS.extract(in, null, DocumentLimits.CONVERSE);
        }

        assertThat(expected).isNotEmpty();
        assertThat(normalizedLines(asDeclared.text())).containsAll(expected);
        assertThat(asDeclared.format()).isEqualTo(declared);
        assertThat(asDetected.format()).isEqualTo(detected);
        assertThat(asDetected.mediaType()).isEqualTo(asDeclared.mediaType());
        assertThat(asDeclared.text()).isEqualTo(asDeclared.text().strip());
    }

    private static List<String> normalizedLines(String text) {
        return text.lines().map(line -> line.strip().replaceAll("\\s+", " ")).filter(line -> !line.isEmpty()).toList();
    }
}
