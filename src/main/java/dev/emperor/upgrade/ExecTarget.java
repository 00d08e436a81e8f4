package dev.emperor.upgrade;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What an in-place upgrade execs (docs/upgrade.md, "Which program"): the launcher that started this
 * daemon, with the daemon's own arguments, so that the launcher picks the jar and the JVM installed
 * now; without a launcher (started as {@code java -jar}), the same java command line again. The
 * launcher tells the JVM its path in the system property {@code emperor.launcher}; the arguments are
 * what follows {@code -jar JAR} on the java command line. The command line must be read before
 * {@code emperor-procname} overwrites it.
 *
 * @param path the program to execve
 * @param argv its argv, argv[0] included
 */
public record ExecTarget(String path, List<String> argv) {

    public ExecTarget {
        argv = List.copyOf(argv);
    }

    /** This process's target, from /proc/self; null when /proc cannot tell. */
    public static ExecTarget current() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            String exe = Files.readSymbolicLink(Path.of("/proc/self/exe")).toString();
            return of(System.getProperty("emperor.launcher"), cmdline(raw), exe);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * @param launcher the launcher's path (system property emperor.launcher), or null
     * @param cmdline  the java command line
     * @param exe      /proc/self/exe's target (" (deleted)" when the package manager replaced it)
     */
    static ExecTarget of(String launcher, List<String> cmdline, String exe) {
        int jar = cmdline.indexOf("-jar");
        if (launcher != null && !launcher.isEmpty() && jar >= 0 && jar + 1 < cmdline.size()) {
            List<String> argv = new ArrayList<>();
            argv.add(launcher);
            argv.addAll(cmdline.subList(jar + 2, cmdline.size()));
            return new ExecTarget(launcher, argv);
        }
        String path = exe.endsWith(" (deleted)") ? exe.substring(0, exe.length() - " (deleted)".length()) : exe;
        return new ExecTarget(path, cmdline);
    }

    /**
     * The same program asked for its version only: the argv up to the daemon's own arguments, then
     * {@code --version}. It starts the JVM and loads the jar the exec would run, without touching
     * anything (docs/upgrade.md, "Order of events"); null when the arguments cannot be told apart.
     */
    public ExecTarget probe() {
        if (!argv.isEmpty() && argv.get(0).equals(path) && !argv.contains("-jar")) {
            return new ExecTarget(path, List.of(path, "--version")); // the launcher
        }
        int jar = argv.indexOf("-jar");
        if (jar < 0 || jar + 1 >= argv.size()) {
            return null;
        }
        List<String> out = new ArrayList<>(argv.subList(0, jar + 2));
        out.add("--version");
        return new ExecTarget(path, out);
    }

    static List<String> cmdline(byte[] raw) {
        String all = new String(raw, StandardCharsets.UTF_8);
        if (all.endsWith("\0")) {
            all = all.substring(0, all.length() - 1);
        }
        return Arrays.asList(all.split("\0", -1));
    }
}
