package dev.emperor.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Sets up the stock logging (every line to stderr through {@link OperatorEncoder}, level INFO) in
 * code when the configuration logback would read says just that — the shipped {@code logback.xml},
 * comments and blanks aside — and leaves every other file to logback's XML configurator. Reading
 * XML costs about 460 classes (logback's Joran and the JDK's XML parser) and a sizeable share of
 * the time before the first spawn (docs/operations.md, "Start-up trace"); an operator's own
 * logback.xml is read exactly as before.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class StockLogConfig extends ContextAwareBase implements Configurator {
    /** The shipped files (etc/logback.xml, the jar's logback.xml) without comments and blanks. */
    static final Set<String> STOCK = Set.of(
            "<configuration><appendername=\"CONSOLE\"class=\"ch.qos.logback.core.ConsoleAppender\">"
                    + "<target>System.err</target><encoderclass=\"dev.emperor.log.OperatorEncoder\"/></appender>"
                    + "<rootlevel=\"INFO\"><appender-refref=\"CONSOLE\"/></root></configuration>",
            "<configuration><appendername=\"OUT\"class=\"ch.qos.logback.core.ConsoleAppender\">"
                    + "<target>System.err</target><encoderclass=\"dev.emperor.log.OperatorEncoder\"/></appender>"
                    + "<rootlevel=\"INFO\"><appender-refref=\"OUT\"/></root></configuration>");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        String file = System.getProperty("logback.configurationFile");
        boolean stock;
        if (file != null) {
            stock = isStock(file);
        } else {
            ClassLoader loader = StockLogConfig.class.getClassLoader();
            stock = loader.getResource("logback-test.xml") == null && loader.getResource("logback.xml") != null
                    && isStockResource(loader);
        }
        if (!stock) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        OperatorEncoder encoder = new OperatorEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("CONSOLE");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static boolean isStock(String file) {
        if (file.contains(":") && !file.startsWith("/")) {
            return false; // a URL or a class-path resource name: logback's business
        }
        try {
            return STOCK.contains(normalized(Files.readString(Path.of(file), StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return false; // logback reports it in its own words
        }
    }

    private static boolean isStockResource(ClassLoader loader) {
        try (var in = loader.getResourceAsStream("logback.xml")) {
            return in != null && STOCK.contains(normalized(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return false;
        }
    }

    /** The text without its XML declaration, comments and any whitespace. */
    static String normalized(String xml) {
        StringBuilder out = new StringBuilder(xml.length());
        int i = 0;
        while (i < xml.length()) {
            if (xml.startsWith("<!--", i) || xml.startsWith("<?", i)) {
                int end = xml.indexOf(xml.startsWith("<!--", i) ? "-->" : "?>", i);
                if (end < 0) {
                    return "";
                }
                i = end + (xml.startsWith("<!--", i) ? 3 : 2);
                continue;
            }
            char c = xml.charAt(i++);
            if (!Character.isWhitespace(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
