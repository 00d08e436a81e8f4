package dev.emperor.command;

import static dev.emperor.command.Datagrams.ascii;
import static dev.emperor.command.Datagrams.concat;
import static dev.emperor.command.Datagrams.pair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Byte fixtures for master's emperor_manage_command + uwsgi_hooked_parse (spec/emperor-protocol.md §0, §1e). */
@Timeout(10)
class CommandDatagramTest {

    private static CommandDatagram parse(byte[] b) {
        return CommandDatagram.parse(b, b.length);
    }

    @Test
    void wellFormedSpawn() {
        CommandDatagram d = parse(Datagrams.of("cmd", "spawn", "vassal", "a.ini"));
        assertEquals("spawn", d.cmd());
        assertEquals("a.ini", d.vassal());
        assertEquals("", d.msg());
        assertNull(d.malformed());
    }

    @Test
    void headerIsSkippedWithoutValidation() {
        byte[] body = concat(pair("cmd", "stop"), pair("vassal", "b.ini"));
        // modifier1 0xff, a size that is wrong (12345), modifier2 0x7f: uWSGI never looks at them
        byte[] b = concat(new byte[] {(byte) 0xff, 0x39, 0x30, 0x7f}, body);
        CommandDatagram d = parse(b);
        assertEquals("stop", d.cmd());
        assertEquals("b.ini", d.vassal());
        assertNull(d.malformed());
        // a size of 0 in the header does not make the body empty either
        assertEquals("stop", parse(concat(new byte[] {0, 0, 0, 0}, body)).cmd());
    }

    @Test
    void commandIsAnAliasOfCmdAndTheLaterOneWins() {
        assertEquals("respawn", parse(Datagrams.of("command", "respawn", "vassal", "x.ini")).cmd());
        byte[] both = concat(new byte[4], pair("cmd", "spawn"), pair("command", "stop"));
        assertEquals("stop", parse(both).cmd());
        byte[] again = concat(new byte[4], pair("vassal", "a.ini"), pair("vassal", "b.ini"));
        assertEquals("b.ini", parse(again).vassal());
    }

    @Test
    void keysAreWholeAndCaseSensitiveAndOthersIgnored() {
        CommandDatagram d = parse(Datagrams.of("CMD", "spawn", "cmdx", "spawn", "vassals", "a.ini", "foo", "bar"));
        assertEquals("", d.cmd());
        assertEquals("", d.vassal());
        assertNull(d.malformed());
    }

    @Test
    void missingOrEmptyFieldsAreEmpty() {
        CommandDatagram d = parse(Datagrams.of("cmd", "spawn"));
        assertEquals("", d.vassal());
        assertEquals("", parse(Datagrams.of("cmd", "spawn", "vassal", "")).vassal());
        assertEquals("", parse(Datagrams.of("cmd", "log")).msg());
    }

    @Test
    void exactlyTheHeaderIsAnEmptyCommand() {
        CommandDatagram d = parse(new byte[] {1, 2, 3, 4});
        assertEquals(new CommandDatagram("", "", "", null), d);
    }

    @Test
    void shorterThanTheHeaderIsRefused() {
        // uWSGI BUG: len - 4 becomes a huge size_t; the dispatcher drops those before parsing
        for (int n = 0; n < 4; n++) {
            int len = n;
            assertThrows(IllegalArgumentException.class, () -> CommandDatagram.parse(new byte[4], len));
        }
    }

    @Test
    void pairsBeforeGarbageStillCount() {
        // as uwsgi_hooked_parse calls the hook per pair: a truncated tail does not undo what came before
        byte[] b = concat(new byte[4], pair("cmd", "spawn"), pair("vassal", "a.ini"), new byte[] {5, 0, 'm', 's'});
        CommandDatagram d = parse(b);
        assertEquals("spawn", d.cmd());
        assertEquals("a.ini", d.vassal());
        assertNotNull(d.malformed());
    }

    @Test
    void valueOverrunningTheDatagramIsDropped() {
        byte[] full = concat(new byte[4], pair("cmd", "log"), pair("msg", "hello"));
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 1);
        CommandDatagram d = parse(cut);
        assertEquals("log", d.cmd());
        assertEquals("", d.msg());
        assertNotNull(d.malformed());
    }

    @Test
    void zeroLengthKeyEndsParsing() {
        byte[] b = concat(new byte[4], pair("cmd", "stop"), new byte[] {0, 0, 0, 0}, pair("vassal", "a.ini"));
        CommandDatagram d = parse(b);
        assertEquals("stop", d.cmd());
        assertEquals("", d.vassal());
        assertNotNull(d.malformed());
    }

    @Test
    void pureGarbageYieldsNoCommand() {
        byte[] b = ascii("\u0000\u0000\u0000\u0000GET / HTTP/1.0\r\n\r\n");
        CommandDatagram d = parse(b);
        assertEquals("", d.cmd());
        assertNotNull(d.malformed());
        // a lone length byte pair at the end: "ptrbuf + 2 >= bufferend"
        assertNotNull(parse(new byte[] {0, 0, 0, 0, 3, 0}).malformed());
        assertNotNull(parse(new byte[] {0, 0, 0, 0, 3}).malformed());
    }

    @Test
    void namesAndMessagesAreCStrings() {
        CommandDatagram d = parse(Datagrams.of("cmd", "spawn", "vassal", "a.ini\u0000junk", "msg", "hi\u0000there"));
        assertEquals("a.ini\u0000junk", d.vassal());
        assertEquals("a.ini", d.vassalName());
        assertEquals("hi", d.logText());
        // "spawn\0" is not "spawn" (uwsgi_strncmp compares lengths)
        assertEquals("spawn\u0000", parse(Datagrams.of("cmd", "spawn\u0000")).cmd());
    }

    @Test
    void utf8NamesSurvive() {
        assertEquals("café.ini", parse(Datagrams.of("cmd", "spawn", "vassal", "café.ini")).vassalName());
    }
}
