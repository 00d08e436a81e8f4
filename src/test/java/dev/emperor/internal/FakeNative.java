package dev.emperor.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory {@link Native} for loop tests: spawns hand out pids, socketpairs hand out fd
 * numbers, a test feeds bytes, EOFs and exits that the loop then reads, and every write, kill and
 * spawn is recorded. Thread-safe enough for one loop thread plus one test thread.
 */
public class FakeNative implements Native {
    public final List<SpawnRequest> spawns = Collections.synchronizedList(new ArrayList<>());
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, ArrayDeque<Integer>> pending = new HashMap<>();
    private final Set<Integer> eof = new HashSet<>();
    private final ArrayDeque<Reaped> exits = new ArrayDeque<>();
    private final Set<Integer> alive = new HashSet<>();
    private final LinkedBlockingQueue<Integer> ready = new LinkedBlockingQueue<>();
    private int nextPid = 5000;
    private int nextFd = 50;
    public volatile int spawnErrno;
    /**
     * Fault injection: while an operation's name is in here ("socketpair", "read", "write", "close", "kill",
     * "killGroup", "reapAny", "listen", "poller.add", "poller.remove"), the call throws what the supplier makes.
     */
    public final Map<String, java.util.function.Supplier<RuntimeException>> faults = new java.util.concurrent.ConcurrentHashMap<>();
    /** What {@link #limits()} answers. */
    public volatile Limits limits = new Limits(-1, -1, -1);

    private void fault(String op) {
        java.util.function.Supplier<RuntimeException> f = faults.get(op);
        if (f != null) {
            calls.add("fault " + op);
            throw f.get();
        }
    }

    @Override
    public Limits limits() {
        return limits;
    }

    @Override public int getpid() { return 4242; }
    /** What {@link #getuid()} answers (root by default). */
    public volatile int uid = 0;
    @Override public int getuid() { return uid; }
    @Override public int getgid() { return 0; }
    @Override public boolean setChildSubreaper() { return true; }
    @Override public void releaseFreeMemory() { calls.add("malloc_trim"); }
    /** What pageOut answers: 0, or a negative errno. */
    public volatile int pageOutResult = 0;
    @Override public int pageOut(long address, long length) {
        calls.add("page_out " + Long.toHexString(address) + " " + length);
        return pageOutResult;
    }
    @Override public void setProcessName(String value) { calls.add("procname " + value); }
    @Override public int setCommandLine(String value) { calls.add("cmdline " + value); return 0; }
    @Override public void setNonBlocking(int fd) { }
    /** What connectUnix answers next: a negative errno, or 0 to hand out a fresh fd the test can write to. */
    public volatile int connectResult = -ENOENT;
    public final Map<Integer, Integer> parents = Collections.synchronizedMap(new HashMap<>());
    public volatile int lastConnectFd = -1;
    /** Every byte written to each fd, in order (config pushes, pipe bytes). */
    public final Map<Integer, java.io.ByteArrayOutputStream> written = new java.util.concurrent.ConcurrentHashMap<>();

    /** The data of the last sendWithFds (a fork-server request). */
    public volatile byte[] lastSent;

    @Override
    public synchronized int connectUnix(String path) {
        calls.add("connect " + path);
        if (connectResult < 0) {
            return connectResult;
        }
        int fd = nextFd++;
        pending.put(fd, new ArrayDeque<>());
        lastConnectFd = fd;
        return fd;
    }

    @Override
    public synchronized int sendWithFds(int sock, byte[] data, int... fds) {
        calls.add("sendfds " + sock + " " + Arrays.toString(fds));
        lastSent = data.clone();
        return data.length;
    }

    @Override
    public int parentOf(int pid) {
        return parents.getOrDefault(pid, -1);
    }
    @Override public void redirectOutput(String path) { calls.add("redirect " + path); }

    private int nextLogFd = 900;
    /** When set, {@link #openVassalLog} fails with this reason. */
    public volatile String logOpenFailure;

    @Override
    public synchronized int openVassalLog(String path, int uid, int gid) throws java.io.IOException {
        calls.add("openVassalLog " + path + " " + uid + " " + gid);
        if (logOpenFailure != null) {
            throw new java.nio.file.FileSystemException(path, null, logOpenFailure);
        }
        return nextLogFd++;
    }
    @Override public void dropPrivileges(int uid, int gid) { calls.add("drop " + uid + " " + gid); }
    /** What {@link #capabilities()} answers: {effective, permitted, inheritable}; root's full sets by default. */
    public volatile long[] caps = {-1L, -1L, 0L};
    @Override public void dropPrivilegesKeeping(int uid, int gid, long keep) {
        calls.add("drop " + uid + " " + gid + " keeping " + Long.toHexString(keep));
    }
    @Override public long[] capabilities() { return caps.clone(); }
    @Override public synchronized void setAmbientCapabilities(long keep) { calls.add("ambient " + Long.toHexString(keep)); }

    @Override
    public synchronized int[] socketpair() {
        fault("socketpair");
        int a = nextFd++;
        int b = nextFd++;
        pending.put(a, new ArrayDeque<>());
        return new int[] {a, b};
    }

    @Override
    public synchronized int spawn(SpawnRequest request) throws SpawnException {
        if (spawnErrno != 0) {
            throw new SpawnException("fake", spawnErrno);
        }
        spawns.add(request);
        int pid = nextPid++;
        alive.add(pid);
        calls.add("spawn " + pid + " " + request.argv());
        return pid;
    }

    /** The test side: bytes a vassal writes on its pipe (fd = the Emperor's end). */
    public void vassalWrites(int fd, int... bytes) {
        synchronized (this) {
            for (int b : bytes) {
                pending.get(fd).add(b);
            }
        }
        ready.add(fd);
    }

    /**
     * Bytes that wait in the pipe without a readiness report of their own: only an await in
     * {@link #levelTriggered} mode (as epoll is) finds them — the test of "heartbeats waiting in the
     * pipes while epoll_wait returned EINTR".
     */
    public void vassalWritesQuietly(int fd, int... bytes) {
        synchronized (this) {
            for (int b : bytes) {
                pending.get(fd).add(b);
            }
        }
    }

    /** Every await also reports each polled fd with unread bytes or a pending EOF, as level-triggered epoll. */
    public volatile boolean levelTriggered;
    /** The next blocking await returns nothing once woken, as epoll_wait with EINTR after SIGSTOP/SIGCONT. */
    public volatile boolean interruptNextWait;
    /** True while the loop thread is inside a blocking await (timeout != 0). */
    public volatile boolean inAwait;

    private synchronized List<Integer> levelReady() {
        List<Integer> out = new ArrayList<>();
        for (Map.Entry<Integer, ArrayDeque<Integer>> e : pending.entrySet()) {
            if (polled.contains(e.getKey()) && (!e.getValue().isEmpty() || eof.contains(e.getKey()))) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    public void vassalClosesPipe(int fd) {
        synchronized (this) {
            eof.add(fd);
        }
        ready.add(fd);
    }

    public void vassalExits(int pid, int code) {
        synchronized (this) {
            alive.remove(pid);
            exits.add(Reaped.exit(pid, code));
        }
        ready.add(-1);
    }

    /** Exits not yet collected by reapAny (the loop's reaper). */
    public synchronized int pendingExits() {
        return exits.size();
    }

    public synchronized boolean isAlive(int pid) {
        return alive.contains(pid);
    }

    @Override
    public synchronized int read(int fd, byte[] buf, int len) {
        fault("read");
        ArrayDeque<Integer> q = pending.get(fd);
        if (q == null) {
            return -9;
        }
        int n = 0;
        while (n < len && !q.isEmpty()) {
            buf[n++] = (byte) (int) q.poll();
        }
        if (n > 0) {
            return n;
        }
        return eof.contains(fd) ? 0 : -EAGAIN;
    }

    @Override
    public synchronized int write(int fd, byte[] buf, int off, int len) {
        fault("write");
        calls.add("write " + fd + " " + buf[off]);
        if (!eof.contains(fd)) {
            written.computeIfAbsent(fd, k -> new java.io.ByteArrayOutputStream()).write(buf, off, len);
        }
        return eof.contains(fd) ? -32 : len;
    }

    @Override
    public synchronized void close(int fd) {
        fault("close");
        calls.add("close " + fd);
        pending.remove(fd);
        listening.remove(fd);
    }

    @Override
    public synchronized Reaped reapAny() {
        fault("reapAny");
        if (!exits.isEmpty()) {
            return exits.poll();
        }
        return alive.isEmpty() ? Reaped.NO_CHILDREN : Reaped.NONE;
    }

    @Override
    public synchronized int kill(int pid, int sig) {
        calls.add("kill " + pid + " " + sig); // recorded first: a test must see the call even though it is refused
        fault("kill");
        if (pid <= 0) {
            throw new IllegalArgumentException("kill(" + pid + ") refused");
        }
        if (sig == SIGKILL && alive.remove(pid)) {
            exits.add(Reaped.killed(pid, sig));
            ready.add(-1);
        }
        return alive.contains(pid) || sig == SIGKILL ? 0 : -ESRCH;
    }

    @Override
    public synchronized int killGroup(int pgid, int sig) {
        calls.add("killGroup " + pgid + " " + sig); // recorded first, as kill
        fault("killGroup");
        if (pgid <= 1) {
            throw new IllegalArgumentException("killGroup(" + pgid + ") refused");
        }
        return 0;
    }

    /** What the next listenTcp/listenUnix answers: a negative errno, or 0 for a fresh fd. */
    public volatile int listenResult = 0;
    /** Listening sockets handed out: fd → "tcp host:port" / "unix path" (removed on close). */
    public final Map<Integer, String> listening = Collections.synchronizedMap(new HashMap<>());
    private final Set<Integer> polled = Collections.synchronizedSet(new HashSet<>());

    @Override
    public synchronized Reaped reap(int pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("waitpid(" + pid + ") refused");
        }
        for (Reaped r : exits) {
            if (r.pid() == pid) {
                exits.remove(r);
                return r;
            }
        }
        return alive.contains(pid) ? Reaped.NONE : Reaped.NO_CHILDREN;
    }

    @Override
    public synchronized int listenTcp(String host, int port, int backlog) {
        return listen("tcp " + host + ":" + port + " backlog " + backlog);
    }

    @Override
    public synchronized int listenUnix(String path, int backlog) {
        return listen("unix " + path + " backlog " + backlog);
    }

    private int listen(String what) {
        calls.add("listen " + what);
        fault("listen");
        if (listenResult < 0) {
            return listenResult;
        }
        int fd = nextFd++;
        listening.put(fd, what);
        return fd;
    }

    /** The test side: a client connects to a listening socket (the loop sees it readable while it is polled). */
    public void clientConnects(int listenFd) {
        ready.add(listenFd);
    }

    /** Fds currently registered with a poller. */
    public boolean isPolled(int fd) {
        return polled.contains(fd);
    }

    @Override
    public String strerror(int errno) {
        return "errno " + errno;
    }

    @Override
    public Poller newPoller() {
        return new Poller() {
            @Override public void add(int fd) { fault("poller.add"); polled.add(fd); }
            @Override public void remove(int fd) { fault("poller.remove"); polled.remove(fd); }

            @Override
            public List<Integer> await(long timeoutMs) {
                try {
                    inAwait = timeoutMs != 0;
                    Integer first;
                    try {
                        first = timeoutMs < 0 ? ready.take() : ready.poll(timeoutMs, TimeUnit.MILLISECONDS);
                    } finally {
                        inAwait = false;
                    }
                    if (timeoutMs != 0 && interruptNextWait) {
                        interruptNextWait = false;
                        ready.clear();
                        return List.of();
                    }
                    List<Integer> out = new ArrayList<>();
                    if (first != null && first >= 0) {
                        out.add(first);
                    }
                    Integer more;
                    while ((more = ready.poll()) != null) {
                        if (more >= 0) {
                            out.add(more);
                        }
                    }
                    if (levelTriggered) {
                        for (int fd : levelReady()) {
                            if (!out.contains(fd)) {
                                out.add(fd);
                            }
                        }
                    }
                    return out;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            }

            @Override public void wakeup() { ready.add(-1); }
            @Override public void close() { }
        };
    }
}
