package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The logs an operator reads (docs/logging.md), with the real jar and real uWSGI vassals: syslog priority
 * prefixes exactly when {@code $JOURNAL_STREAM} names the daemon's stderr; {@code log-format = json} lines that
 * a JSON parser accepts, naming the vassal; {@code emperor-vassal-logs} files that get each vassal's own output
 * and keep working after logrotate's copytruncate. Our daemon only.
 */
@Timeout(150)
class OperatorLogsIT {

    @BeforeEach
    void ours() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "this daemon's logging options");
    }

    /** "DEV:INODE" of a file, as systemd writes $JOURNAL_STREAM. */
    static String journalStreamOf(Path file) throws IOException {
        return Files.getAttribute(file, "unix:dev") + ":" + Files.getAttribute(file, "unix:ino");
    }

    /** Runs one daemon with stderr in a file and the given $JOURNAL_STREAM until a crash loop shows; its lines. */
    static List<String> runWithStderrIn(Path out, String journalStream) throws Exception {
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("journal").outputTo(out).env("JOURNAL_STREAM", journalStream).build()) {
            Vassals.python("app1", port).writeTo(e);
            Vassals.exitsAtOnce("bad", Ports.free()).writeTo(e);
            e.start();
            e.awaitAnswer(port, "app1", TempEmperor.SHORT);
            e.awaitStats(TempEmperor.SHORT, "bad.ini blacklisted", s -> s.blacklisted("bad.ini").isPresent());
            Poll.until(TempEmperor.SHORT, "the crash logged", () -> Files.readString(out).contains("bad.ini died unexpectedly"));
        }
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }

    @Test
    void priorityPrefixesExactlyWhenStderrIsTheJournal() throws Exception {
        Path dir = Files.createTempDirectory("emperor-it-journal-");
        try {
            Path out = Files.createFile(dir.resolve("stderr"));
            List<String> journal = runWithStderrIn(out, journalStreamOf(out));
            assertTrue(journal.contains("<6>*** starting uWSGI Emperor ***"), String.join("\n", journal));
            assertTrue(journal.stream().anyMatch(l -> l.matches("<4>\\[emperor\\] vassal bad\\.ini died unexpectedly \\(exit code 22\\).*")),
                    "a crash is a warning: " + journal);
            assertTrue(journal.stream().anyMatch(l -> l.matches("<6>.* - \\[emperor\\] vassal app1\\.ini is now loyal")), journal.toString());
            assertTrue(journal.stream().noneMatch(l -> l.startsWith("<6>") && l.contains("died unexpectedly")));

            Path other = Files.createFile(dir.resolve("not-stderr"));
            Path out2 = Files.createFile(dir.resolve("stderr2"));
            List<String> plain = runWithStderrIn(out2, journalStreamOf(other)); // inherited from systemd, then redirected
            assertTrue(plain.contains("*** starting uWSGI Emperor ***"), String.join("\n", plain));
            assertTrue(plain.stream().anyMatch(l -> l.startsWith("[emperor] vassal bad.ini died unexpectedly")), plain.toString());
            assertTrue(plain.stream().noneMatch(l -> l.matches("<[0-7]>.*")), "no prefix off the journal: " + plain);
        } finally {
            TempEmperor.deleteTree(dir);
        }
    }

    @Test
    void jsonLinesNameTheVassalAndVassalOutputGoesToItsOwnFileThroughCopytruncate() throws Exception {
        int p1 = Ports.free();
        int p2 = Ports.free();
        Path logs = Files.createTempDirectory("emperor-it-vassal-logs-");
        try (TempEmperor e = TempEmperor.prepare("vassal-logs").option("log-format", "json")
                .option("emperor-vassal-logs", logs.toString()).build()) {
            Vassals.python("app1", p1).writeTo(e);
            Vassals.python("app2", p2).writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
            e.awaitStats(TempEmperor.SHORT, "both loyal", s -> s.vassal("app1.ini").filter(Stats.Vassal::loyal).isPresent()
                    && s.vassal("app2.ini").filter(Stats.Vassal::loyal).isPresent());
            long pid1 = e.stats().vassal("app1.ini").orElseThrow().pid();

            // the daemon's own stream: JSON objects only (vassal output is in the files), each naming its vassal
            List<Map<String, Object>> objects = new ArrayList<>();
            for (String line : e.log().lines(0)) {
                if (line.startsWith("WARNING: ")) continue; // the JVM's own (native access on newer JDKs), not ours
                objects.add(parse(line));
            }
            assertTrue(objects.stream().anyMatch(o -> "*** starting uWSGI Emperor ***".equals(o.get("message"))
                    && o.get("vassal") == null && "info".equals(o.get("level"))), objects.toString());
            assertTrue(objects.stream().anyMatch(o -> "app1.ini".equals(o.get("vassal")) && "loyal".equals(o.get("event"))
                    && Long.valueOf(pid1).equals(o.get("pid")) && "[emperor] vassal app1.ini is now loyal".equals(o.get("message"))),
                    "the vassal, its pid and the event, and uWSGI's wording without the date: " + objects);
            for (Map<String, Object> o : objects) {
                assertEquals(List.of("time", "level", "vassal", "pid", "event", "message"), new ArrayList<>(o.keySet()));
                String message = (String) o.get("message");
                if (message.contains("app2.ini") && !message.contains("app1.ini")) {
                    assertEquals("app2.ini", o.get("vassal"), "every line about a vassal names it: " + o);
                }
            }

            Path f1 = logs.resolve("app1.ini.log");
            Path f2 = logs.resolve("app2.ini.log");
            assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f1)));
            Poll.until(TempEmperor.SHORT, "each vassal's start-up in its own file", () ->
                    Files.readString(f1).contains("127.0.0.1:" + p1) && Files.readString(f2).contains("127.0.0.1:" + p2));
            assertFalse(Files.readString(f1).contains("127.0.0.1:" + p2), "app2's lines are not in app1's file");
            assertFalse(Files.readString(f2).contains("127.0.0.1:" + p1));

            // logrotate's copytruncate: copy, then truncate in place; the vassal keeps its fd
            Path rotated = logs.resolve("app1.ini.log.1");
            Files.copy(f1, rotated);
            long before = Files.size(f1);
            assertTrue(before > 1000, "uWSGI wrote its banner: " + before);
            try (FileChannel ch = FileChannel.open(f1, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT); // a request: uWSGI logs it to stderr
            Poll.until(TempEmperor.SHORT, "the request's log line in the truncated file", () ->
                    Files.readString(f1, StandardCharsets.ISO_8859_1).contains("GET /"));
            byte[] after = Files.readAllBytes(f1);
            assertTrue(after.length < before, "new lines start at the new end (0), not at the old offset: " + after.length);
            for (int i = 0; i < after.length; i++) {
                assertTrue(after[i] != 0, "no hole of NULs (byte " + i + " of " + after.length + ")");
            }
            assertTrue(new String(after, StandardCharsets.ISO_8859_1).startsWith("[pid: "), "the first byte is the new line's");
            assertTrue(Files.readString(f2).contains("127.0.0.1:" + p2), "the other file is untouched");
        } finally {
            TempEmperor.deleteTree(logs);
        }
    }

    static Map<String, Object> parse(String line) throws IOException {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(line)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken(), "not a JSON object: " + line);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                out.put(name, switch (t) {
                    case VALUE_NULL -> null;
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    case VALUE_STRING -> p.getText();
                    default -> throw new AssertionError("unexpected " + t + " in " + line);
                });
            }
            assertEquals(JsonToken.END_OBJECT, p.currentToken(), line);
            assertEquals(null, p.nextToken(), "one object per line: " + line);
        }
        return out;
    }
}
