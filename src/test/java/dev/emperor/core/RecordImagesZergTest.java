package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.emperor.source.VassalSource;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A zerg record crosses an in-place upgrade as a zerg: its own name, its vassal's, its source's (docs/upgrade.md). */
class RecordImagesZergTest {
    @Test
    void aZergKeepsItsNamesAcrossTheDocument() {
        VassalSource source = new VassalSource("app.ini:zerg", Path.of("/v/app.ini"), Path.of("/v"), 5_000_000_000L, 0, 0,
                "/v", Map.of(), null, null);
        Vassal zerg = new Vassal("app.ini:zerg#2", source, 1000);
        zerg.zergOf = "app.ini";
        RecordImages.Instants t = new RecordImages.Instants(1000, 9_000_000_000L);

        Vassal back = RecordImages.record(RecordImages.image(zerg, t), t);
        assertEquals("app.ini:zerg#2", back.name);
        assertEquals("app.ini", back.zergOf);
        assertEquals("app.ini:zerg", back.file.name(), "uWSGI reads the [zerg] section through the source's name");

        Vassal plain = RecordImages.record(RecordImages.image(new Vassal(
                new VassalSource("b.ini", Path.of("/v/b.ini"), Path.of("/v"), 1, 0, 0, "/v", Map.of(), null, null), 1000), t), t);
        assertEquals("b.ini", plain.name);
        assertNull(plain.zergOf);
    }
}
