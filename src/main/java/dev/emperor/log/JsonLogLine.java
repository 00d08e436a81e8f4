package dev.emperor.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One log line as a JSON object, fields always in this order: {@code time} (ISO 8601, UTC, ms),
 * {@code level}, {@code vassal} (null when the line is about no vassal), {@code pid} (the vassal's
 * master, null when none), {@code event}, {@code message}. Written with jackson-core, so every
 * string is escaped (a newline in a message stays inside the one line). Logback's own JsonEncoder
 * writes its fixed field set (sequenceNumber, loggerName, kvpList...), not these names.
 */
final class JsonLogLine {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII) // one ASCII line whatever the terminal or journal
            .build();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private JsonLogLine() {
    }

    static String write(long epochMillis, String level, String vassal, Integer pid, String event, String message) {
        StringWriter out = new StringWriter(96 + message.length());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", TIME.format(Instant.ofEpochMilli(epochMillis)));
            g.writeStringField("level", level);
            g.writeFieldName("vassal");
            if (vassal == null) {
                g.writeNull();
            } else {
                g.writeString(vassal);
            }
            g.writeFieldName("pid");
            if (pid == null) {
                g.writeNull();
            } else {
                g.writeNumber(pid);
            }
            g.writeStringField("event", event);
            g.writeStringField("message", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a StringWriter
        }
        return out.toString();
    }
}
