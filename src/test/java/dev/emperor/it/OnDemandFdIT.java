package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an on-demand vassal receives at exec time: an {@code emperor-wrapper} (python, run through
 * the Emperor's spawn exactly as uwsgi would be) records its /proc/self/fd before it execs the real
 * uwsgi. Expected: fd 0 = the Emperor's listening socket (same inode), 1 and 2 = the Emperor's,
 * 3 = the emperor pipe ({@code UWSGI_EMPEROR_FD}), nothing else.
 */
@Timeout(60)
class OnDemandFdIT {

    @Test
    void vassalGetsExactlyStdioItsPipeAndTheSocketOnFdZero() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Impl.isUwsgi(), "checks our spawn; uWSGI's was verified in the spec");
        int port = Ports.free();
        Path root = Files.createTempDirectory("emperor-it-ondemand-fd-");
        Path report = root.resolve("fds.txt");
        Path wrapper = root.resolve("wrapper.py");
        Files.writeString(wrapper, String.join("\n",
                "#!/usr/bin/python3",
                "import os, sys",
                "fds = {}",
                "for n in os.listdir('/proc/self/fd'):",
                "    try:",
                "        fds[int(n)] = os.readlink('/proc/self/fd/' + n)",
                "    except OSError:",
                "        pass",
                "lines = ['%d %s' % (k, v) for k, v in sorted(fds.items()) if not v.startswith('/proc/')]",
                "lines.append('env ' + os.environ.get('UWSGI_EMPEROR_FD', '-'))",
                "with open(" + pyString(report.toString()) + ", 'w') as f:",
                "    f.write('\\n'.join(lines) + '\\n')",
                "os.execvp('uwsgi', ['uwsgi'] + sys.argv[1:])",
                ""));
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TempEmperor e = TempEmperor.prepare("ondemand-fd").root(root, false)
                .option("emperor-on-demand-extension", ".socket").option("emperor-wrapper", wrapper.toString()).build()) {
            OnDemandIT.writeOnDemand(e, "odfd", "127.0.0.1:" + port);
            e.start();
            e.awaitVassal("odfd.ini", TempEmperor.SHORT, "asleep", v -> v.pid() == -1);
            OnDemandIT.timedHello(port, "odfd").orElseThrow(() -> new AssertionError("request failed\n" + e.diagnostics()));
            Map<Integer, String> got = new TreeMap<>();
            String env = null;
            for (String line : Files.readAllLines(report)) {
                if (line.startsWith("env ")) {
                    env = line.substring(4);
                } else {
                    int sp = line.indexOf(' ');
                    got.put(Integer.parseInt(line.substring(0, sp)), line.substring(sp + 1));
                }
            }
            Map<Integer, String> emperorFds = ForkServerFixture.fds(e.pid());
            String inode = OnDemandIT.listeningInode(port).orElseThrow();
            String diag = "vassal at exec " + got + "\nemperor " + emperorFds;
            assertEquals("3", env, diag);
            assertEquals(java.util.Set.of(0, 1, 2, 3), got.keySet(), "nothing beyond 0, 1, 2 and the pipe\n" + diag);
            assertEquals("socket:[" + inode + "]", got.get(0), diag);
            assertEquals(emperorFds.get(1), got.get(1), diag);
            assertEquals(emperorFds.get(2), got.get(2), diag);
            assertEquals(true, got.get(3).startsWith("socket:["), diag);
        }
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
