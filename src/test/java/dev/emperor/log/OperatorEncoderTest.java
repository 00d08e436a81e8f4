package dev.emperor.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.emperor.core.EmperorLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** The lines operators read: journal priority prefixes, JSON objects (checked by a JSON parser), plain uWSGI text. */
class OperatorEncoderTest {
    static final long T = 1_795_803_200_123L;

    final OperatorEncoder encoder = new OperatorEncoder();

    @AfterEach
    void reset() {
        LogOutput.useJson(false);
        LogOutput.journal(false);
    }

    static LoggingEvent event(Level level, String message, Object... kvs) {
        LoggingEvent e = new LoggingEvent();
        e.setLevel(level);
        e.setMessage(message);
        e.setTimeStamp(T);
        e.setLoggerName("emperor");
        for (int i = 0; i < kvs.length; i += 2) {
            e.addKeyValuePair(new KeyValuePair((String) kvs[i], kvs[i + 1]));
        }
        return e;
    }

    String encode(ILoggingEvent e) {
        return new String(encoder.encode(e), StandardCharsets.UTF_8);
    }

    @Test
    void plainLinesAreUwsgisTextUnchangedOffTheJournal() {
        assertEquals("[emperor] vassal a.ini has been spawned\n", encode(event(Level.INFO, "[emperor] vassal a.ini has been spawned",
                "vassal", "a.ini", "pid", 42, "event", "spawned")));
        assertEquals("boom\n", encode(event(Level.ERROR, "boom")));
    }

    @Test
    void onTheJournalEveryLineCarriesItsSyslogPriority() {
        LogOutput.journal(true);
        assertEquals("<3>[emperor] cannot start vassal x.ini: no\n", encode(event(Level.ERROR, "[emperor] cannot start vassal x.ini: no")));
        assertEquals("<4>[emperor] vassal a.ini died unexpectedly (exit code 22)\n",
                encode(event(Level.WARN, "[emperor] vassal a.ini died unexpectedly (exit code 22)")));
        assertEquals("<6>*** starting uWSGI Emperor ***\n", encode(event(Level.INFO, "*** starting uWSGI Emperor ***")));
        assertEquals("<7>[emperor] reaped pid 9\n", encode(event(Level.DEBUG, "[emperor] reaped pid 9")));
        assertEquals("<4>first\n<4>second\n", encode(event(Level.WARN, "first\nsecond")), "journald reads a priority per line");
        OperatorEncoder fileEncoder = new OperatorEncoder();
        fileEncoder.setJournalPrefix(false);
        assertEquals("to a file\n", new String(fileEncoder.encode(event(Level.WARN, "to a file")), StandardCharsets.UTF_8));
    }

    @Test
    void jsonLinesParseAndCarryTheSixFields() throws IOException {
        LogOutput.useJson(true);
        String line = encode(event(Level.WARN, "[emperor] vassal we\"ird\n.ini died unexpectedly (exit code 22)",
                "vassal", "we\"ird\n.ini", "pid", 4242, "event", "died"));
        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        Map<String, Object> o = parse(line);
        assertEquals(List.of("time", "level", "vassal", "pid", "event", "message"), new ArrayList<>(o.keySet()));
        assertEquals(java.time.Instant.ofEpochMilli(T).toString(), o.get("time"));
        assertTrue(((String) o.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        assertEquals("warning", o.get("level"));
        assertEquals("we\"ird\n.ini", o.get("vassal"));
        assertEquals(4242, o.get("pid"));
        assertEquals("died", o.get("event"));
        assertEquals("[emperor] vassal we\"ird\n.ini died unexpectedly (exit code 22)", o.get("message"));

        Map<String, Object> general = parse(encode(event(Level.INFO, "*** starting uWSGI Emperor ***")));
        assertNull(general.get("vassal"));
        assertTrue(general.containsKey("vassal") && general.containsKey("pid"), "same keys on every line");
        assertNull(general.get("pid"));
        assertEquals("log", general.get("event"));
        assertEquals("info", general.get("level"));
        assertNull(parse(encode(event(Level.INFO, "x", "vassal", "a.ini", "pid", -1, "event", "removed"))).get("pid"),
                "no process: null, not -1");
        assertEquals("error", parse(encode(event(Level.ERROR, "e"))).get("level"));
        assertEquals("debug", parse(encode(event(Level.DEBUG, "d"))).get("level"));
        assertEquals("\u00e9t\u00e9 \uD83D\uDE00", parse(encode(event(Level.INFO, "\u00e9t\u00e9 \uD83D\uDE00"))).get("message"));
    }

    @Test
    void jsonOnTheJournalGetsOnePrefixPerObject() throws IOException {
        LogOutput.useJson(true);
        LogOutput.journal(true);
        String line = encode(event(Level.ERROR, "a\nb", "vassal", "a.ini", "pid", 7, "event", "spawn-failed"));
        assertTrue(line.startsWith("<3>{"), line);
        assertEquals("a\nb", parse(line.substring(3)).get("message"));
    }

    @Test
    void emperorLogAboutAVassalNamesItAndLeavesTheDatePrefixToPlainText() throws IOException {
        Logger logger = (Logger) LoggerFactory.getLogger("emperor");
        ListAppender<ILoggingEvent> list = new ListAppender<>();
        list.start();
        logger.addAppender(list);
        Level before = logger.getLevel();
        logger.setLevel(Level.INFO); // the tests' logback config keeps only warnings
        try {
            EmperorLog log = new EmperorLog(null, () -> T);
            log.about("app.ini", 4242, "spawned").verbose("[emperor] vassal app.ini has been spawned");
            LogOutput.useJson(true);
            log.about("app.ini", 4242, "died").warn("[emperor] vassal app.ini died unexpectedly (exit code 22)");
            log.verbose("The Emperor is buried.");
            assertEquals(3, list.list.size());
            LogOutput.useJson(false);
            String plain = encode(list.list.get(0));
            assertTrue(plain.matches("\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} - \\[emperor\\] vassal app.ini has been spawned\n"),
                    "uWSGI's dated line: " + plain);
            LogOutput.useJson(true);
            Map<String, Object> died = parse(encode(list.list.get(1)));
            assertEquals("app.ini", died.get("vassal"));
            assertEquals(4242, died.get("pid"));
            assertEquals("died", died.get("event"));
            assertEquals("[emperor] vassal app.ini died unexpectedly (exit code 22)", died.get("message"), "no ctime prefix in JSON");
            Map<String, Object> buried = parse(encode(list.list.get(2)));
            assertEquals("The Emperor is buried.", buried.get("message"));
            assertNull(buried.get("vassal"));
        } finally {
            logger.setLevel(before);
            logger.detachAppender(list);
        }
    }

    @Test
    void journalStreamMustNameTheVeryFile(@TempDir Path dir) throws IOException {
        Path f = Files.createFile(dir.resolve("stderr.log"));
        Path other = Files.createFile(dir.resolve("other.log"));
        String id = Files.getAttribute(f, "unix:dev") + ":" + Files.getAttribute(f, "unix:ino");
        assertTrue(JournalStream.matches(id, f));
        assertFalse(JournalStream.matches(id, other), "same device, other inode");
        assertFalse(JournalStream.matches(null, f));
        assertFalse(JournalStream.matches("", f));
        assertFalse(JournalStream.matches("garbage", f));
        assertFalse(JournalStream.matches("1:x", f));
        assertFalse(JournalStream.matches(id, dir.resolve("missing")));
    }

    static Map<String, Object> parse(String line) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(line)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                out.put(name, switch (t) {
                    case VALUE_NULL -> null;
                    case VALUE_NUMBER_INT -> p.getIntValue();
                    case VALUE_STRING -> p.getText();
                    default -> throw new AssertionError("unexpected " + t + " for " + name);
                });
            }
            assertEquals(JsonToken.END_OBJECT, p.currentToken());
            assertNull(p.nextToken(), "nothing after the object but the newline");
        }
        return out;
    }
}
