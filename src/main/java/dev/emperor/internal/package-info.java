/**
 * The only package that talks to the kernel, and the only one allowed to import jnr. Everything
 * else sees {@link dev.emperor.internal.Native} with plain Java types and can be tested with a
 * fake; {@link dev.emperor.internal.JnrNative} is the real thing.
 *
 * <h2>Why it is built this way</h2>
 * Each point was measured on Debian 12 / glibc 2.36 / JDK 17 (docs/platform-notes.md)
 * or found while writing the tests here.
 * <ul>
 *   <li><b>No fork, and not the JDK process API.</b> A JVM cannot run code between fork and exec, so the
 *   child recipe (docs/uwsgi-compat.md, "Spawn recipe") is expressed as posix_spawn file actions and attributes
 *   ({@link dev.emperor.internal.PosixSpawner}). java.lang.Process is also unusable because we reap
 *   with waitpid(-1): the JDK's own reaper would then report exit 0 for children we stole.
 *   Anything that needs privileges dropped goes through an exec trampoline such as setpriv.</li>
 *   <li><b>Own jnr-ffi binding ({@link dev.emperor.internal.LibC}), not jnr-posix.</b> jnr-posix's
 *   posix_spawnp loses errno, cannot set the signal mask or defaults, has no addchdir_np /
 *   addclosefrom_np, searches the JVM's PATH and ignores file-action errors. We call posix_spawn
 *   (never spawnp: the caller resolves the path), check every return code, and a missing binary
 *   comes back as errno 2. jnr-ffi is 2.2.17 here, with jffi pinned to 1.4.3 in the pom because
 *   the native jar of newer jffi is not available.</li>
 *   <li><b>Signal mask and dispositions.</b> Java threads run with SIGQUIT blocked and a spawned
 *   child inherits the mask; uWSGI needs SIGQUIT, so POSIX_SPAWN_SETSIGMASK with an empty set.
 *   Ignored signals survive exec (SIGHUP under nohup), so POSIX_SPAWN_SETSIGDEF with a full set;
 *   glibc's sigfillset omits its internal signals 32/33 and its spawn child would then leave them
 *   SIG_IGN across exec, so those two bits are added by hand.</li>
 *   <li><b>Close-on-exec everywhere.</b> The JVM holds about 25 fds without CLOEXEC (jars), so
 *   every spawn ends with addclosefrom_np; our own fds are made with SOCK_CLOEXEC, EPOLL_CLOEXEC,
 *   EFD_CLOEXEC and MSG_CMSG_CLOEXEC. Fds meant for the child are first parked above every
 *   source and target, then dup2'ed to their targets (dup2 clears CLOEXEC on the new fd).</li>
 *   <li><b>Parent-death signal.</b> PR_SET_PDEATHSIG fires when the <em>thread</em> that spawned
 *   the child exits, so spawn only from the one long-lived loop thread.</li>
 *   <li><b>Reaping.</b> prctl(PR_SET_CHILD_SUBREAPER) makes orphaned grandchildren (fork-server
 *   vassals, workers of a killed master) ours; waitpid(-1, WNOHANG) collects them.
 *   {@link dev.emperor.internal.Native#kill} refuses pid &lt;= 0 so that a zero or -1 pid from a bug
 *   can never become kill(-1).</li>
 *   <li><b>Event loop.</b> Raw epoll plus an eventfd ({@link dev.emperor.internal.EpollPoller}):
 *   jnr-enxio's selector is poll(2)-based and its wake-up pipe is not CLOEXEC; signalfd does not
 *   work in a JVM (other threads take the signals). struct epoll_event is packed on x86_64
 *   (12 bytes, data at offset 4) and 16 bytes elsewhere.</li>
 *   <li><b>User names through NSS.</b> {@link dev.emperor.internal.UserDatabase} asks the C library
 *   (jnr-posix, loaded at the first lookup), so LDAP/sssd/userdb users count as they do for uWSGI
 *   and setpriv; a failed lookup is reported as such, never as "no such user".</li>
 *   <li><b>errno.</b> jnr-ffi saves errno per thread after each call; it is read right after the
 *   call through the runtime's getLastError. posix_spawn* return the error number instead.</li>
 * </ul>
 */
package dev.emperor.internal;
