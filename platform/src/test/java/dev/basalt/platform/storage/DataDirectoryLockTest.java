package dev.basalt.platform.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondServerCannotUseTheSameDataDirectory() throws Exception {
        try (DataDirectoryLock ignored = DataDirectoryLock.acquire(dir)) {
            assertThatThrownBy(() -> DataDirectoryLock.acquire(dir))
                    .hasMessageContaining("in use by another Basalt process");
        }
        DataDirectoryLock.acquire(dir).close(); // released: usable again
    }
}
