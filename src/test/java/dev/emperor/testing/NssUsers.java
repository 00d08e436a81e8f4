package dev.emperor.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.emperor.internal.UserDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Root-only fixture: a user and its group known <em>only</em> through NSS, never written to
 * /etc/passwd or /etc/group. They are systemd userdb drop-in records in {@code /run/userdb}
 * ({@code NAME.user} plus a {@code UID.user} link, same for the group), which Debian's
 * libnss-systemd ({@code passwd: files systemd} in /etc/nsswitch.conf, the package default)
 * serves without systemd-userdbd running. /run is a tmpfs: nothing outlives a reboot and no
 * system file is edited. The fixture fails (never skips) when the user does not resolve afterwards,
 * or when it is in /etc/passwd (the test would then prove nothing about NSS).
 */
public final class NssUsers {
    static final Path DIR = Path.of("/run/userdb");

    private NssUsers() {
    }

    /** Creates (if needed) user {@code name} with uid = gid = {@code id}, group of the same name; requires root. */
    public static synchronized TestUsers.User ensure(String name, int id) {
        TestUsers.requireRoot();
        try {
            Files.createDirectories(DIR);
            write(name + ".user", "{\"userName\":\"" + name + "\",\"uid\":" + id + ",\"gid\":" + id
                    + ",\"homeDirectory\":\"/\",\"shell\":\"/usr/sbin/nologin\",\"disposition\":\"regular\"}\n");
            link(id + ".user", name + ".user");
            write(name + ".group", "{\"groupName\":\"" + name + "\",\"gid\":" + id + ",\"disposition\":\"regular\"}\n");
            link(id + ".group", name + ".group");
            for (String db : new String[] {"/etc/passwd", "/etc/group"}) {
                for (String line : Files.readAllLines(Path.of(db), StandardCharsets.UTF_8)) {
                    if (line.startsWith(name + ":")) {
                        fail(name + " is in " + db + ": an NSS-only test user must not be");
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the userdb records of " + name + " in " + DIR, e);
        }
        UserDatabase db = UserDatabase.system();
        if (db.uidOf(name).orElse(-1) != id || db.gidOf(name).orElse(-1) != id) {
            fail(name + " written to " + DIR + " but NSS does not resolve it: is libnss-systemd installed and"
                    + " 'systemd' listed for passwd and group in /etc/nsswitch.conf?");
        }
        return new TestUsers.User(name, id, id);
    }

    private static void write(String file, String text) throws IOException {
        Path tmp = DIR.resolve("." + file + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, DIR.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void link(String link, String target) throws IOException {
        Path p = DIR.resolve(link);
        Files.deleteIfExists(p);
        Files.createSymbolicLink(p, Path.of(target));
    }
}
