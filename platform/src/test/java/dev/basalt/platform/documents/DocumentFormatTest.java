package dev.basalt.platform.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DocumentFormatTest {

    @Test
    void converseFormatsAreBedrocksWireNames() {
        assertThat(Arrays.stream(DocumentFormat.values()).filter(DocumentFormat::converse).map(DocumentFormat::wireName))
                .containsExactly("pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md");
        for (DocumentFormat format : DocumentFormat.values()) {
            if (format.converse()) {
                assertThat(DocumentFormat.fromWireName(format.wireName())).isSameAs(format);
            }
        }
    }

    @Test
    void unknownOrIngestionOnlyNamesAreRejectedWithTheAcceptedList() {
        for (String name : new String[] {"pptx", "PDF", "json", "", null}) {
            assertThatThrownBy(() -> DocumentFormat.fromWireName(name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unknown document format '" + name
                            + "'; expected one of: pdf, csv, doc, docx, xls, xlsx, html, txt, md");
        }
    }
}
