package dev.emperor.monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Whether inotify on a directory reports every change made to the files in it: true on local
 * filesystems, where every write goes through this kernel. Not on NFS, CIFS, FUSE or 9p (a change
 * made by another client or by the server raises no event here), nor on overlayfs (a change to a
 * lower layer raises none); an unknown type counts as not local (docs/operations.md, "Idle cost").
 * Remembers the answer for the directory's inode: a directory replaced by another is asked again.
 */
final class LocalFilesystems {
    private static final Set<String> LOCAL = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs",
            "jfs", "reiserfs", "zfs", "bcachefs");

    private Object inode;
    private boolean local;

    /** True for the filesystem types (as /proc/mounts names them) whose changes all raise inotify events. */
    static boolean isLocal(String type) {
        return LOCAL.contains(type);
    }

    /** Called from one monitor's scan thread only. */
    boolean local(Path dir) {
        try {
            Object now = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
            if (now == null || !now.equals(inode)) {
                local = isLocal(Files.getFileStore(dir).type());
                inode = now;
            }
            return local;
        } catch (IOException | RuntimeException e) {
            inode = null;
            return false;
        }
    }
}
