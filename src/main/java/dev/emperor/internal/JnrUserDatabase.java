package dev.emperor.internal;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

/**
 * {@link UserDatabase} through jnr-posix's {@code getpwnam}/{@code getpwuid}/{@code getgrnam}/
 * {@code getgrgid}. Those return a static buffer, so every call holds this object's lock. glibc
 * leaves errno at 0 (or sets ENOENT, ESRCH, EBADF, EPERM) when the name is simply unknown; any
 * other errno means the lookup itself failed. jnr-posix is loaded on the first lookup only: most
 * daemons never resolve a name (docs/platform-notes.md, "User names through NSS").
 */
final class JnrUserDatabase implements UserDatabase {
    static final JnrUserDatabase INSTANCE = new JnrUserDatabase();
    private static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int ESRCH = 3;

    private static final class Holder {
        static final POSIX POSIX = POSIXFactory.getNativePOSIX();
    }

    private JnrUserDatabase() {
    }

    @Override
    public OptionalInt uidOf(String user) {
        Passwd p = lookup("getpwnam(" + user + ")", () -> Holder.POSIX.getpwnam(user));
        return p == null ? OptionalInt.empty() : OptionalInt.of((int) p.getUID());
    }

    @Override
    public OptionalInt gidOf(String group) {
        Group g = lookup("getgrnam(" + group + ")", () -> Holder.POSIX.getgrnam(group));
        return g == null ? OptionalInt.empty() : OptionalInt.of((int) g.getGID());
    }

    @Override
    public Optional<String> userName(int uid) {
        Passwd p = lookup("getpwuid(" + Integer.toUnsignedString(uid) + ")", () -> Holder.POSIX.getpwuid(uid));
        return p == null ? Optional.empty() : Optional.of(p.getLoginName());
    }

    @Override
    public Optional<String> groupName(int gid) {
        Group g = lookup("getgrgid(" + Integer.toUnsignedString(gid) + ")", () -> Holder.POSIX.getgrgid(gid));
        return g == null ? Optional.empty() : Optional.of(g.getName());
    }

    private synchronized <T> T lookup(String call, Supplier<T> query) {
        POSIX posix;
        try {
            posix = Holder.POSIX;
        } catch (LinkageError e) {
            throw new LookupFailed(call + ": jnr-posix unavailable (" + e + ")");
        }
        posix.errno(0);
        T found = query.get();
        if (found != null) {
            return found;
        }
        int errno = posix.errno();
        if (errno == 0 || errno == ENOENT || errno == ESRCH || errno == LibC.EBADF || errno == EPERM) {
            return null;
        }
        throw new LookupFailed(call + " failed: " + posix.strerror(errno));
    }
}
