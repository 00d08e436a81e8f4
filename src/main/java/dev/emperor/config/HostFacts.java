package dev.emperor.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
 * @param group        {@code %G} (falls back to the gid)
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
        String group = groupName(gid);
        long micros = System.currentTimeMillis() * 1000L;
        String version = HostFacts.class.getPackage().getImplementationVersion();
        String binary = System.getProperty("emperor.binary",
                ProcessHandle.current().info().command().orElse(""));
        return new HostFacts(detectHostname(), version == null ? "dev" : version,
                Runtime.getRuntime().availableProcessors(), uid, user == null ? Long.toString(uid) : user,
                gid, group == null ? Long.toString(gid) : group, binary, micros / 1_000_000L, micros);
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

    /** getgrgid() without native code: the group database is a text file on the systems uWSGI runs on. */
    private static String groupName(long gid) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/etc/group"), StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && f[2].equals(Long.toString(gid))) {
                    return f[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall back to the number
        }
        return null;
    }
}
