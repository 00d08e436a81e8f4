package dev.emperor.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.config.OptionDef;
import dev.emperor.config.OptionStatus;
import dev.emperor.config.OptionTable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** emperor(8) is generated from the model: every supported option, with a default, and the fixed sections. */
class ManPageTest {
    final String roff = ManPage.roff(ManPage.commandLine());

    @Test
    void everySupportedOptionIsDocumentedWithItsDefault() {
        for (OptionDef def : OptionTable.all()) {
            if (def.status() != OptionStatus.SUPPORTED) {
                continue;
            }
            String name = "\\fB" + ManPage.esc("--" + def.name()) + "\\fR";
            int at = roff.indexOf(name);
            assertTrue(at >= 0, "option --" + def.name() + " missing from the man page");
            int end = roff.indexOf("\n.TP", at + 1);
            String entry = roff.substring(at, end < 0 ? roff.length() : end);
            assertTrue(entry.toLowerCase().contains("default"), "no default for --" + def.name() + ": " + entry);
        }
    }

    @Test
    void ignoredAndRefusedOptionsAreListed() {
        for (OptionDef def : OptionTable.all()) {
            if (def.status() != OptionStatus.SUPPORTED) {
                assertTrue(roff.contains(ManPage.esc(def.name())), def.name() + " (" + def.status() + ") not listed");
            }
        }
    }

    @Test
    void fixedSectionsAndNoBareControlLines() {
        for (String section : new String[] {"NAME", "SYNOPSIS", "OPTIONS", "COMMANDS", "SIGNALS", "\"EXIT STATUS\"",
            "EXIT STATUS", "FILES", "ENVIRONMENT", "SEE ALSO"}) {
            if (!section.startsWith("\"")) {
                assertTrue(roff.contains(".SH " + section + "\n"), "section " + section);
            }
        }
        for (String word : new String[] {"NOTIFY_SOCKET", "WATCHDOG_USEC", "EMPEROR_CDS_DIR", "/etc/emperor/emperor.ini",
            "ctl reload\\-all"}) {
            assertTrue(roff.contains(word), word);
        }
        // every line that starts with a dot or quote is a request we wrote, not escaped text
        Matcher m = Pattern.compile("(?m)^[.'](\\S+)").matcher(roff);
        while (m.find()) {
            assertTrue(m.group(1).matches("\\\\\"|TH|SH|SS|TP|PP|B|BR|br"), "unexpected roff request: " + m.group());
        }
        assertFalse(roff.contains("(repeatable) (repeatable)"));
    }
}
