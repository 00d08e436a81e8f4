package dev.emperor.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The shipped logback.xml is set up in code; any other file goes to logback's XML reader. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StockLogConfigTest {

    @Test
    void bothShippedFilesAreRecognised() throws Exception {
        assertTrue(StockLogConfig.STOCK.contains(StockLogConfig.normalized(Files.readString(Path.of("etc/logback.xml")))));
        assertTrue(StockLogConfig.STOCK.contains(
                StockLogConfig.normalized(Files.readString(Path.of("src/main/resources/logback.xml")))));
    }

    @Test
    void anEditedFileIsNotStock() throws Exception {
        String edited = Files.readString(Path.of("etc/logback.xml")).replace("level=\"INFO\"", "level=\"DEBUG\"");
        assertFalse(StockLogConfig.STOCK.contains(StockLogConfig.normalized(edited)));
        String withFile = Files.readString(Path.of("etc/logback.xml"))
                .replace("<appender-ref ref=\"CONSOLE\"/>\n  </root>", "<appender-ref ref=\"CONSOLE\"/><appender-ref ref=\"FILE\"/></root>");
        assertFalse(StockLogConfig.STOCK.contains(StockLogConfig.normalized(withFile)));
    }

    @Test
    void theStockFileIsSetUpInCodeAndAnyOtherLeftToLogback(@TempDir Path dir) throws Exception {
        Path stock = dir.resolve("stock.xml");
        Files.copy(Path.of("etc/logback.xml"), stock);
        Path other = dir.resolve("other.xml");
        Files.writeString(other, Files.readString(stock).replace("INFO", "DEBUG"));
        String before = System.getProperty("logback.configurationFile");
        try {
            System.setProperty("logback.configurationFile", stock.toString());
            LoggerContext context = new LoggerContext();
            assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new StockLogConfig().configure(context));
            ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            assertEquals(Level.INFO, root.getLevel());
            ConsoleAppender<?> appender = assertInstanceOf(ConsoleAppender.class, root.getAppender("CONSOLE"));
            assertEquals("System.err", appender.getTarget());
            assertInstanceOf(OperatorEncoder.class, appender.getEncoder());

            System.setProperty("logback.configurationFile", other.toString());
            assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new StockLogConfig().configure(new LoggerContext()));
            System.setProperty("logback.configurationFile", dir.resolve("missing.xml").toString());
            assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new StockLogConfig().configure(new LoggerContext()));
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
    }
}
