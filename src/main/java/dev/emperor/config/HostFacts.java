package dev.emperor.config;

import dev.emperor.internal.UserDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process-wide magic variables uWSGI fills once at startup ({@code core/uwsgi.c: uwsgi_setup}):
 * {@code %h %V %k %u %U %g %G %b %t %T}. A record so that tests can pin them.
 *
 * @param hostname     {@code %h}
 * @param version      {@code %V}
 * @param cores        {@code %k}
 * @param uid          {@code %u}
 * @param user         {@code %U} (falls back to the uid)
 * @param gid          {@code %g}
 * @param group        {@code %G} (falls back to the gid); null: looked up when first asked for
 * @param binary       {@code %b}, the running executable
 * @param startSeconds {@code %t}, unix time at startup
 * @param startMicros  {@code %T}, unix time in microseconds at startup
 */
public record HostFacts(String hostname, String version, int cores, long uid, String user, long gid,
                        String group, String binary, long startSeconds, long startMicros) {

    /** Facts of the running JVM process. */
    public static HostFacts current() {
        long uid = -1;
        long gid = -1;
        String user = null;
        try {
            com.sun.security.auth.module.UnixSystem unix = new com.sun.security.auth.module.UnixSystem();
            uid = unix.getUid();
            gid = unix.getGid();
            user = unix.getUsername();
        } catch (RuntimeException | LinkageError e) {
            // not a Unix JVM: the variables degrade to numbers, like uWSGI without a passwd entry
        }
        long micros = System.currentTimeMillis() * 1000L;
        String version = HostFacts.class.getPackage().getImplementationVersion();
        String binary = System.getProperty("emperor.binary",
                ProcessHandle.current().info().command().orElse(""));
        return new HostFacts(detectHostname(), version == null ? "dev" : version,
                Runtime.getRuntime().availableProcessors(), uid, user == null ? Long.toString(uid) : user,
                gid, null, binary, micros / 1_000_000L, micros);
    }

    private static String detectHostname() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // no procfs: ask the resolver below
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** {@code %G}: the group's name, asked of NSS only now (loading jnr-posix costs a start that never uses it). */
    @Override
    public String group() {
        if (group != null) {
            return group;
        }
        String name = groupName(gid);
        return name == null ? Long.toString(gid) : name;
    }

    /** getgrgid() through NSS; null (the number is used) when the group has no name or cannot be looked up. */
    private static String groupName(long gid) {
        try {
            return UserDatabase.system().groupName((int) gid).orElse(null);
        } catch (UserDatabase.LookupFailed | LinkageError e) {
            return null;
        }
    }
}
