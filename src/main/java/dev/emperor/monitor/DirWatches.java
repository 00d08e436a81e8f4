package dev.emperor.monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inotify watches of the {@link Scanner}: one on every directory a monitor reads, and one on
 * each such directory's parent, which only counts events naming the directory itself.
 * <p>
 * Why the parent: an inotify watch belongs to an inode, not a path. A vassals directory deleted
 * and created again is a new inode that nobody watches; the old watch is not even dropped while
 * a process (a vassal started there) keeps the old directory alive as its cwd, and the JDK asks for
 * no IN_DELETE_SELF. So the watch of each directory is checked against the inode now at its path
 * before every scan and set up again when they differ, and the parent's events about the name
 * (deleted, created, renamed) trigger that scan at once instead of at the next {@code emperor-freq}.
 * <p>
 * {@link #refresh} runs on the scanner thread; {@link #wantsScan} on the watch thread.
 */
final class DirWatches {
    private static final WatchEvent.Kind<?>[] KINDS = {StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY};

    private final WatchService service;
    /** A monitored directory → its watch and the inode (file key) that watch is on. */
    private final Map<Path, Watch> dirs = new ConcurrentHashMap<>();
    /** A parent directory → its watch and the names of monitored directories in it. */
    private final Map<Path, Watch> parents = new ConcurrentHashMap<>();

    private record Watch(WatchKey key, Object inode, Set<Path> names) {
    }

    DirWatches(WatchService service) {
        this.service = service;
    }

    /** Makes every directory in {@code wanted} (and its parent) watched on the inode now at its path. */
    void refresh(Collection<Path> wanted) {
        for (Path dir : wanted) {
            watchParent(dir); // first: a parent replaced in turn must be followed as well
            Object inode = inode(dir);
            Watch w = dirs.get(dir);
            if (w != null && w.key().isValid() && inode != null && inode.equals(w.inode())) {
                continue;
            }
            if (w != null) {
                dirs.remove(dir);
                cancelUnlessShared(w.key());
            }
            if (inode != null) {
                try {
                    // the inode read before the registration: if the directory is replaced in between,
                    // the next refresh sees the difference and registers again
                    dirs.put(dir, new Watch(dir.register(service, KINDS), inode, Set.of()));
                } catch (IOException | RuntimeException e) {
                    // gone again: the parent's watch (or emperor-freq) brings us back here
                }
            }
        }
    }

    private void watchParent(Path dir) {
        Path parent = dir.getParent();
        Path name = dir.getFileName();
        if (parent == null || name == null) {
            return;
        }
        Watch p = parents.get(parent);
        Object inode = inode(parent);
        if (p != null && p.key().isValid() && Objects.equals(inode, p.inode())) {
            p.names().add(name);
            return;
        }
        if (inode == null) {
            return; // the parent is gone too: emperor-freq it is
        }
        try {
            Set<Path> names = p != null ? p.names() : ConcurrentHashMap.newKeySet();
            names.add(name);
            parents.put(parent, new Watch(parent.register(service, KINDS), inode, names));
            if (p != null && !p.key().equals(parents.get(parent).key())) {
                cancelUnlessShared(p.key()); // the watch on the parent's old inode
            }
        } catch (IOException | RuntimeException e) {
            // retried at the next refresh
        }
    }

    /** True when every one of {@code wanted} has a live watch on the inode its path had at the last refresh. */
    boolean watching(Collection<Path> wanted) {
        for (Path dir : wanted) {
            Watch w = dirs.get(dir);
            if (w == null || !w.key().isValid()) {
                return false;
            }
        }
        return true;
    }

    /** True when the events of {@code key} may change what a scan finds. */
    boolean wantsScan(WatchKey key, List<WatchEvent<?>> events) {
        for (Watch w : dirs.values()) {
            if (w.key().equals(key)) {
                return true; // a monitored directory (possibly also someone's parent): everything counts
            }
        }
        for (Watch p : parents.values()) {
            if (p.key().equals(key)) {
                for (WatchEvent<?> e : events) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW || p.names().contains(e.context())) {
                        return true;
                    }
                }
                return !key.isValid(); // the parent itself went away
            }
        }
        return true; // a key we no longer track: one scan too many is harmless
    }

    /** The monitored directory whose own watch {@code key} is, or null (a parent's watch, a key no longer tracked). */
    Path ownDirectory(WatchKey key) {
        for (Map.Entry<Path, Watch> e : dirs.entrySet()) {
            if (e.getValue().key().equals(key)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The JDK hands out one key per watched inode: keep it while another entry still uses it. */
    private void cancelUnlessShared(WatchKey key) {
        for (Watch w : dirs.values()) {
            if (w.key().equals(key)) {
                return;
            }
        }
        for (Watch p : parents.values()) {
            if (p.key().equals(key)) {
                return;
            }
        }
        key.cancel();
    }

    private static Object inode(Path dir) {
        try {
            BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class);
            return a.isDirectory() ? a.fileKey() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
