package dev.emperor.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Root-only test fixture: two system users for Tyrant tests, created idempotently with useradd
 * (no home, nologin shell), plus helpers to own files as them. Tests using it must run as root;
 * in CI ({@code CI=true}, which runs as root) not being root is a failure, locally a skip.
 */
public final class TestUsers {
    public static final String A = "emperor-ta";
    public static final String B = "emperor-tb";
    /** The unprivileged user an Emperor drops to (UnprivilegedTyrantIT). */
    public static final String C = "emperor-tc";

    private TestUsers() {
    }

    /** A user's ids. */
    public record User(String name, int uid, int gid) {
    }

    /** Fails in CI, skips elsewhere, unless this JVM runs as root. */
    public static void requireRoot() {
        if (uid() == 0) {
            return;
        }
        String why = "needs root (Tyrant, capabilities, namespaces); this JVM runs as uid " + uid();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(why);
    }

    static int uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]); // effective
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no Uid line in /proc/self/status");
    }

    /** Creates (if needed) and returns test user {@code name}. Requires root. */
    public static synchronized User ensure(String name) {
        requireRoot();
        User u = lookup(name);
        if (u == null) {
            run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name);
            u = lookup(name);
            if (u == null) {
                fail("useradd " + name + " did not create a passwd entry");
            }
        }
        return u;
    }

    private static User lookup(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":");
                if (f.length > 3 && f[0].equals(name)) {
                    return new User(name, Integer.parseInt(f[2]), Integer.parseInt(f[3]));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    /** chown (or lchown, for a symlink) to uid:gid. */
    public static void own(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /** Writes {@code text} to {@code target} owned by {@code u} (mode 0644) atomically: never seen as root's. */
    public static Path writeOwned(Path target, String text, User u) throws IOException {
        Path tmp = target.resolveSibling(".tmp-" + System.nanoTime() + ".part");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        own(tmp, u.uid(), u.gid());
        return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Makes dirs traversable for the test users (temp dirs are created 0700). */
    public static void openUp(Path... dirs) throws IOException {
        for (Path d : dirs) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void run(String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish");
            }
            int rc = p.exitValue();
            if (rc != 0 && rc != 9) { // 9: the user exists (a concurrent fixture won the race)
                fail(String.join(" ", cmd) + " exited " + rc + ": " + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
