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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code emperor = DIR} ({@code uwsgi_imperial_monitor_directory}): every entry of one directory,
 * not recursive, hidden files included. Names are the bare file names; vassals start with the
 * directory as cwd. Unlike uWSGI, no process-wide chdir: several dir monitors each keep their own
 * cwd (fixes the shared-cwd bug, docs/uwsgi-compat.md, "Deliberate differences").
 */
public final class DirMonitor implements Monitor {
    private final Path dir;
    private final String argument;
    private final EntryInspector inspector;
    private final VassalNames names;
    private final boolean tyrant;
    private final java.util.function.Predicate<Path> localFilesystem;
    /** The last complete scan saw only plain files, on a filesystem whose changes inotify reports. */
    private volatile boolean watchable;

    /**
     * @param attributeKeys {@code emperor-collect-attr} keys read from each .ini vassal
     * @param tyrant        emperor-tyrant's ownership rules, null outside Tyrant mode
     */
    public DirMonitor(Path dir, VassalNames names, boolean nofollow, java.util.List<String> attributeKeys,
                      TyrantCheck tyrant) {
        this(dir, names, nofollow, attributeKeys, tyrant, EntryInspector.ContentReader.FILES);
    }

    DirMonitor(Path dir, VassalNames names, boolean nofollow, java.util.List<String> attributeKeys,
               TyrantCheck tyrant, EntryInspector.ContentReader reader) {
        this(dir, names, nofollow, attributeKeys, tyrant, reader, new LocalFilesystems()::local);
    }

    DirMonitor(Path dir, VassalNames names, boolean nofollow, java.util.List<String> attributeKeys,
               TyrantCheck tyrant, EntryInspector.ContentReader reader, java.util.function.Predicate<Path> localFilesystem) {
        this.dir = realOrAbsolute(dir);
        this.argument = this.dir.toString();
        this.inspector = new EntryInspector(names, nofollow, attributeKeys, tyrant, reader);
        this.names = names;
        this.tyrant = tyrant != null;
        this.localFilesystem = localFilesystem;
    }

    private static Path realOrAbsolute(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    @Override
    public String argument() {
        return argument;
    }

    @Override
    public Set<Path> watchDirectories() {
        return Set.of(dir);
    }

    @Override
    public ScanResult scan() {
        List<VassalSource> found = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<LookFailed> lookFailed = new ArrayList<>();
        inspector.beginScan();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Object r = inspector.inspect(name, entry, dir, argument);
                if (r instanceof VassalSource v) {
                    found.add(v);
                } else if (r instanceof Skipped s) {
                    skipped.add(s);
                } else if (r instanceof LookFailed f) {
                    lookFailed.add(f);
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException | SecurityException e) {
            inspector.scanFailed();
            watchable = false;
            // an opendir or readdir that failed (EMFILE ...) lists nothing: no vassal of this monitor is
            // concluded gone (docs/reliability.md)
            return ScanResult.failed(argument, "cannot read directory " + dir + ": " + e, Errno.of(e));
        }
        inspector.endScan();
        watchable = inspector.lastScanAllPlain() && lookFailed.isEmpty() && localFilesystem.test(dir);
        return new ScanResult(argument, true, null, found, skipped, lookFailed, 0);
    }

    /**
     * Each named entry through the same checks as a scan ({@link EntryInspector#inspect}), without touching
     * what the last complete scan saw. A vassal-named entry that vanished, could not be looked at or was
     * refused is not listed but named in {@code lookFailed}: a full scan is to judge it (docs/operations.md,
     * "Fork-server adoption: the daemon's share").
     */
    @Override
    public ScanResult lookAt(Path in, java.util.Collection<String> entries) {
        if (!dir.equals(in)) {
            return null;
        }
        List<VassalSource> found = new ArrayList<>(entries.size());
        List<LookFailed> open = new ArrayList<>();
        for (String name : entries) {
            if (name.indexOf('/') >= 0 || !names.hasVassalExtension(name)) {
                continue; // not a vassal of this directory, now or at any scan
            }
            if (inspector.inspect(name, dir.resolve(name), dir, argument) instanceof VassalSource v) {
                found.add(v);
            } else {
                open.add(new LookFailed(name, "left to the full scan", 0));
            }
        }
        return ScanResult.partial(argument, found, open);
    }

    /**
     * Outside Tyrant mode (where an owner's name may change with no file changed) and after a complete
     * scan of plain files on a local filesystem: see {@link Monitor#watchesSeeEverything()}.
     */
    @Override
    public boolean watchesSeeEverything() {
        return !tyrant && watchable;
    }
}
