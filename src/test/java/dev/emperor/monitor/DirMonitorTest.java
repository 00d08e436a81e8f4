package dev.emperor.monitor;

import dev.emperor.source.VassalSource;
import dev.emperor.source.ScanResult;
import dev.emperor.source.Skipped;
import dev.emperor.source.VassalNames;
import dev.emperor.source.TyrantCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DirMonitorTest {

    static Map<String, String> skips(ScanResult r) {
        return r.skipped().stream().collect(Collectors.toMap(Skipped::name, Skipped::reason));
    }

    static List<String> names(ScanResult r) {
        return r.vassals().stream().map(VassalSource::name).sorted().toList();
    }

    @Test
    void validNamesOnlyAndGarbageSkippedWithReasons(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("good.ini"), "[uwsgi]\nmaster = 1\n");
        Files.writeString(dir.resolve(".hidden.ini"), "[uwsgi]\n");
        Files.writeString(dir.resolve("app.ini.bak"), "[uwsgi]\n");
        Files.writeString(dir.resolve("a.yaml"), "uwsgi:\n");
        Files.writeString(dir.resolve("ünï©ødé.ini"), "[uwsgi]\n");
        Files.write(dir.resolve("bin.ini"), new byte[] {1, 2, 0, 3});
        Files.writeString(dir.resolve("empty.ini"), "");
        Files.createDirectory(dir.resolve("x.ini"));
        Files.createSymbolicLink(dir.resolve("dangling.ini"), dir.resolve("nowhere"));
        Files.createSymbolicLink(dir.resolve("link.ini"), dir.resolve("good.ini"));
        ScanResult r = new DirMonitor(dir, new VassalNames(List.of()), false, java.util.List.of(), null).scan();
        assertTrue(r.ok());
        assertEquals(List.of(".hidden.ini", "a.yaml", "good.ini", "link.ini", "ünï©ødé.ini"), names(r));
        Map<String, String> s = skips(r);
        assertTrue(s.get("bin.ini").startsWith("binary content"), s::toString);
        assertEquals("empty file", s.get("empty.ini"));
        assertEquals("not a regular file (directory)", s.get("x.ini"));
        assertEquals("dangling symlink", s.get("dangling.ini"));
        assertFalse(s.containsKey("app.ini.bak"));
    }

    @Test
    void nofollowAcceptsSymlinksWithTheirOwnMtime(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("real.txt"), "[uwsgi]\n");
        Files.createSymbolicLink(dir.resolve("link.ini"), dir.resolve("real.txt"));
        ScanResult r = new DirMonitor(dir, new VassalNames(List.of()), true, java.util.List.of(), null).scan();
        assertEquals(List.of("link.ini"), names(r));
    }

    @Test
    void extraExtensionAndFullPrecisionMtime(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("app.conf");
        Files.writeString(f, "x");
        Files.setLastModifiedTime(f, FileTime.from(1_700_000_000_123_456_789L, TimeUnit.NANOSECONDS));
        ScanResult r = new DirMonitor(dir, new VassalNames(List.of(".conf")), false, java.util.List.of(), null).scan();
        assertEquals(1_700_000_000_123_456_789L, r.vassals().get(0).mtimeNanos());
        assertEquals(1_700_000_000L, r.vassals().get(0).mtimeSeconds());
    }

    @Test
    void missingDirectoryIsAFailedScanNotAnEmptyOne(@TempDir Path dir) {
        ScanResult r = new DirMonitor(dir.resolve("gone"), new VassalNames(List.of()), false, java.util.List.of(), null).scan();
        assertFalse(r.ok());
    }

    @Test
    void globMatchesAcrossDirectoriesWithVerbatimNames(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("apps/a1"));
        Files.createDirectories(dir.resolve("apps/a2"));
        Files.writeString(dir.resolve("apps/a1/app.ini"), "x");
        Files.writeString(dir.resolve("apps/a2/app.ini"), "x");
        Files.writeString(dir.resolve("apps/a2/other.xml"), "x");
        ScanResult rel = new GlobMonitor("apps/a*/*.ini", dir, new VassalNames(List.of()), false, java.util.List.of(), null).scan();
        assertEquals(List.of("apps/a1/app.ini", "apps/a2/app.ini"), names(rel));
        assertEquals(dir, rel.vassals().get(0).cwd());
        String abs = dir + "/apps/*/*.xml";
        ScanResult ra = new GlobMonitor(abs, Path.of("/"), new VassalNames(List.of()), false, java.util.List.of(), null).scan();
        assertEquals(List.of(dir + "/apps/a2/other.xml"), names(ra));
    }

    @Test
    void collectsListedAttributesFromTheEmperorSection(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.ini"), "[uwsgi]\nfork-server = /x\n[emperor]\nfork-server = /run/base.sock\n"
                + "other = 1\nfork-server = /second\n");
        Files.writeString(dir.resolve("b.json"), "{}");
        ScanResult r = new DirMonitor(dir, new VassalNames(List.of()), false, List.of("fork-server"), null).scan();
        Map<String, Map<String, String>> attrs = r.vassals().stream().collect(Collectors.toMap(VassalSource::name, VassalSource::attrs));
        assertEquals(Map.of("fork-server", "/run/base.sock"), attrs.get("a.ini"));
        assertEquals(Map.of(), attrs.get("b.json"), "only .ini vassals carry attributes");
    }

    @Test
    void aUserDatabaseThatCannotAnswerFailsTheScanInsteadOfRefusingVassals(@TempDir Path dir) throws Exception {
        dev.emperor.testing.TestUsers.requireRoot(); // chown to a non-root owner, whose check needs the database
        Path a = Files.writeString(dir.resolve("a.ini"), "[uwsgi]\n");
        Files.setAttribute(a, "unix:gid", 1001);
        Files.setAttribute(a, "unix:uid", 1001);
        dev.emperor.internal.FakeUserDatabase db = new dev.emperor.internal.FakeUserDatabase().failing("getpwnam(1001) failed: EIO");
        DirMonitor m = new DirMonitor(dir, new VassalNames(List.of()), false, List.of(), new TyrantCheck(false, false, db));
        dev.emperor.internal.UserDatabase.LookupFailed e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.emperor.internal.UserDatabase.LookupFailed.class, m::scan,
                "no verdict on a.ini: the scanner turns this into a failed scan, which keeps every vassal");
        assertEquals("user database lookup failed: getpwnam(1001) failed: EIO", e.toString(), "what the scanner logs");
        db.failing(null);
        assertEquals(List.of("a.ini"), m.scan().vassals().stream().map(VassalSource::name).toList(), "answers again: a verdict");
    }
}
