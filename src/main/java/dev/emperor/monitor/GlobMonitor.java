package dev.emperor.monitor;

import dev.emperor.source.VassalSource;
import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import dev.emperor.source.LookFailed;
import dev.emperor.source.Skipped;
import dev.emperor.source.VassalNames;
import dev.emperor.source.TyrantCheck;
import dev.emperor.internal.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code emperor = GLOB} ({@code uwsgi_imperial_monitor_glob}): the pattern is expanded relative
 * to the startup cwd, one path component at a time (as glob(3) does); instance names are the
 * matches verbatim (relative if the pattern is), and vassals start in the startup cwd.
 */
public final class GlobMonitor implements Monitor {
    private final String pattern;
    private final Path base;
    private final EntryInspector inspector;
    private volatile Set<Path> visited = Set.of();

    /**
     * @param attributeKeys {@code emperor-collect-attr} keys read from each .ini vassal
     * @param tyrant        emperor-tyrant's ownership rules, null outside Tyrant mode
     */
    public GlobMonitor(String pattern, Path startupCwd, VassalNames names, boolean nofollow,
                       java.util.List<String> attributeKeys, TyrantCheck tyrant) {
        this.pattern = pattern;
        this.base = startupCwd.toAbsolutePath();
        this.inspector = new EntryInspector(names, nofollow, attributeKeys, tyrant);
    }

    @Override
    public String argument() {
        return pattern;
    }

    @Override
    public Set<Path> watchDirectories() {
        return visited;
    }

    @Override
    public ScanResult scan() {
        try {
            return expand();
        } catch (UncheckedIOException e) {
            // a directory on the way could not be read (EMFILE, EIO ...): a failed look, not an
            // absence, so no vassal of this glob is concluded gone (docs/reliability.md)
            return ScanResult.failed(pattern, "cannot read directory: " + e.getCause(), Errno.of(e.getCause()));
        }
    }

    private ScanResult expand() {
        boolean absolute = pattern.startsWith("/");
        String[] parts = pattern.split("/+");
        List<String> prefixes = new ArrayList<>();
        prefixes.add(absolute ? "/" : "");
        Set<Path> dirs = new LinkedHashSet<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                continue;
            }
            List<String> next = new ArrayList<>();
            for (String prefix : prefixes) {
                Path dir = resolve(prefix.isEmpty() ? "." : prefix);
                dirs.add(dir);
                if (isPattern(part)) {
                    next.addAll(matchIn(dir, prefix, part, i == parts.length - 1));
                } else {
                    String candidate = prefix + part;
                    if (i == parts.length - 1 || Files.isDirectory(resolve(candidate))) {
                        next.add(candidate + (i == parts.length - 1 ? "" : "/"));
                    }
                }
            }
            prefixes = next;
        }
        List<VassalSource> found = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<LookFailed> lookFailed = new ArrayList<>();
        inspector.beginScan();
        for (String name : prefixes) {
            if (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            Object r = inspector.inspect(name, resolve(name), base, pattern);
            if (r instanceof VassalSource v) {
                found.add(v);
            } else if (r instanceof Skipped s) {
                skipped.add(s);
            } else if (r instanceof LookFailed f) {
                lookFailed.add(f);
            }
        }
        inspector.endScan();
        visited = Set.copyOf(dirs);
        return new ScanResult(pattern, true, null, found, skipped, lookFailed, 0);
    }

    private List<String> matchIn(Path dir, String prefix, String part, boolean last) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + part);
        List<String> out = new ArrayList<>();
        boolean showHidden = part.startsWith(".");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                Path fn = e.getFileName();
                if ((showHidden || !fn.toString().startsWith(".")) && m.matches(fn)) {
                    boolean isDir = Files.isDirectory(e);
                    if (last) {
                        out.add(prefix + fn);
                    } else if (isDir) {
                        out.add(prefix + fn + "/");
                    }
                }
            }
        } catch (java.nio.file.NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return out; // an answer: nothing matches there
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.nio.file.DirectoryIteratorException e) {
            throw new UncheckedIOException(e.getCause());
        } catch (RuntimeException e) {
            return out;
        }
        out.sort(null); // glob(3) sorts its results
        return out;
    }

    private Path resolve(String p) {
        return base.resolve(p).normalize();
    }

    private static boolean isPattern(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }
}
