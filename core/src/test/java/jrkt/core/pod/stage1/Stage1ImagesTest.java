package jrkt.core.pod.stage1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Stage1ImagesTest {
    @TempDir Path tmp;

    /** The built-in image's source URL is compared with the one stored at its import: it must not change its spelling. */
    @Test
    void aFileUrlIsSpelledAsPathToUriSpellsIt() throws Exception {
        for (String name : List.of("stage1.aci", "stage1-fly_2.0~x.aci", "with space.aci", "café.aci", "100%.aci", "a#b?.aci", "x:y@z.aci")) {
            Path file = Files.writeString(tmp.resolve(name), "");
            assertEquals(file.toUri().toString(), Stage1Images.fileUri(file), name);
        }
    }
}
