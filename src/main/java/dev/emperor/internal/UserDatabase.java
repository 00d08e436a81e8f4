package dev.emperor.internal;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * User and group names ↔ ids, asked of the C library and so of NSS: whatever
 * {@code /etc/nsswitch.conf} lists (files, LDAP, sssd, extrausers...) answers, as it does for
 * uWSGI's {@code getpwnam}/{@code getgrnam} and for setpriv's {@code --init-groups}. A lookup that
 * fails (EIO, EMFILE, an unreachable directory server) throws {@link LookupFailed} rather than
 * answering "no such user": a failed look is not an absence (docs/platform-notes.md, "User names
 * through NSS").
 */
public interface UserDatabase {

    /** {@code getpwnam}: the uid of {@code user}, empty when no database knows the name. */
    OptionalInt uidOf(String user);

    /** {@code getgrnam}: the gid of {@code group}, empty when no database knows the name. */
    OptionalInt gidOf(String group);

    /** {@code getpwuid}: the login name of {@code uid}, empty when it has no passwd entry. */
    Optional<String> userName(int uid);

    /** {@code getgrgid}: the name of {@code gid}, empty when it has no group entry. */
    Optional<String> groupName(int gid);

    /** The running system's databases (jnr-posix, loaded at the first lookup). */
    static UserDatabase system() {
        return JnrUserDatabase.INSTANCE;
    }

    /** The database could not be asked: nothing may be concluded about the name or id. */
    final class LookupFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public LookupFailed(String message) {
            super(message);
        }

        /** What a failed scan reports (the scanner logs a monitor's failure as the exception's text). */
        @Override
        public String toString() {
            return "user database lookup failed: " + getMessage();
        }
    }
}
