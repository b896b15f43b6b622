package dev.basalt.platform.documents;

import dev.basalt.platform.documents.DocumentException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Refuses zip containers (docx, xlsx, pptx, odt, epub) that unpack to more than a limit. The Office parsers hold a
 * whole part in memory, several times its size, so a few hundred kilobytes of deflated padding would otherwise cost
 * gigabytes of heap. The entries are inflated here and counted (their declared sizes may lie), stopping at the limit.
 */
final class ZipExpansion {

    private ZipExpansion() {}

    /**
     * @throws DocumentException {@link Kind#TOO_LARGE} past the limit
     * @throws IOException when the bytes are not a readable zip (the parser then reports the damage)
     */
    static void check(byte[] zip, long maxUnpackedBytes) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long unpacked = 0;
        try (ZipInputStream entries = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                for (int n = entries.read(buffer); n >= 0; n = entries.read(buffer)) {
                    unpacked += n;
                    if (unpacked > maxUnpackedBytes) {
                        throw new DocumentException(Kind.TOO_LARGE, "the document unpacks to more than "
                                + maxUnpackedBytes + " bytes, the limit for its unpacked contents");
                    }
                }
            }
        }
    }
}
