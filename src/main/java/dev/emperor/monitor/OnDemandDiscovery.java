package dev.emperor.monitor;

import dev.emperor.source.VassalSource;
import dev.emperor.source.ScanResult;
import dev.emperor.source.LookFailed;
import dev.emperor.log.Log;
import dev.emperor.internal.Native;
import dev.emperor.internal.RegularFiles;
import dev.emperor.spawn.HelperChildren;
import dev.emperor.internal.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * On-demand socket names for dir/glob vassals (docs/uwsgi-compat.md, "On-demand socket discovery", uWSGI
 * {@code emperor_check_on_demand_socket}); exactly one mechanism, in uWSGI's order of precedence:
 * <ol>
 *   <li>{@code emperor-on-demand-extension EXT}: the sidecar file NAME+EXT (next to the config)
 *       holds the name, cut at its first byte below 32;</li>
 *   <li>{@code emperor-on-demand-directory DIR}: DIR/&lt;basename of NAME up to its last dot&gt;.socket;</li>
 *   <li>{@code emperor-on-demand-exec CMD}: the output of CMD run with NAME as an argument (no shell,
 *       see {@link OnDemandExec}).</li>
 * </ol>
 * Only file-shaped sources are looked up, and only when their monitor gave no socket: a socket
 * name supplied by the source itself (a database row's socket column) wins and is left as it is,
 * as uWSGI's plugin monitors pass theirs straight to {@code emperor_add}.
 * Runs on the scanner thread and annotates each scan's {@link VassalSource}s; the loop reads the
 * name only when it creates a record (uWSGI: new instances only; a config change does not switch
 * modes). The sidecar and directory lookups are cheap and done at every scan; the exec helper runs
 * once per name: its result is kept until the name disappears from a scan (a touched config keeps
 * its record, so its name would not be read again). The helpers of one scan share a budget of one
 * helper timeout: a name that was never handed over yet and comes after the budget is spent is left
 * out of this scan (the loop has no record of it, so for the loop it simply appears a scan later);
 * a scan thus takes at most about two helper timeouts, however many new vassals hang their helper.
 *
 * <p>Deliberate difference: uWSGI compares the bytes as signed chars, so every byte &ge; 0x80 also
 * ends the name and UTF-8 paths are cut (docs/uwsgi-compat.md, "Deliberate differences"). Here only bytes 0..31 end it; the name must then
 * be valid UTF-8 (it becomes a path or a host:port), else the vassal is a normal one with a log line.
 */
public final class OnDemandDiscovery {
    /** How long an exec helper may take before it is killed (uWSGI waits forever, blocking its loop). */
    public static final long EXEC_TIMEOUT_MS = 10_000;
    private static final int MAX_SIDECAR = 4096;

    private final String extension;
    private final String directory;
    private final OnDemandExec exec;
    private final Map<String, Cached> execCache = new HashMap<>();
    private final Map<String, String> warned = new HashMap<>();

    private final long execBudgetMs;
    private boolean tyrant;
    private final LongSupplier clock;
    private final Log log;

    /** What a name was handed over with (null = a normal vassal); a name in here is known to the loop. */
    private record Cached(String socket) {
    }

    private OnDemandDiscovery(String extension, String directory, OnDemandExec exec, long execBudgetMs, LongSupplier clock,
                              Log log) {
        this.extension = extension;
        this.directory = directory;
        this.exec = exec;
        this.execBudgetMs = execBudgetMs;
        this.clock = clock;
        this.log = log;
    }

    /** The discovery for these options, or null when none of them is set (every vassal is normal). */
    public static OnDemandDiscovery of(String extension, String directory, String execCommand, Native nat,
                                       HelperChildren children, List<String> env, long execTimeoutMs, LongSupplier clock,
                                       Log log) {
        if (extension != null && !extension.isEmpty()) {
            return new OnDemandDiscovery(extension, null, null, 0, clock, log);
        }
        if (directory != null && !directory.isEmpty()) {
            return new OnDemandDiscovery(null, directory, null, 0, clock, log);
        }
        if (execCommand != null && !execCommand.isBlank()) {
            return new OnDemandDiscovery(null, null, new OnDemandExec(nat, children, execCommand, env, execTimeoutMs, clock, log),
                    execTimeoutMs, clock, log);
        }
        return null;
    }

    /** The same scan results with each vassal's socket name filled in (any monitor's runner thread, one at a time). */
    public synchronized List<ScanResult> annotate(List<ScanResult> results) {
        List<ScanResult> out = new ArrayList<>(results.size());
        for (ScanResult r : results) {
            if (!r.ok()) {
                out.add(r);
                continue;
            }
            List<VassalSource> files = new ArrayList<>(r.vassals().size());
            List<LookFailed> lookFailed = new ArrayList<>(r.lookFailed());
            Set<String> seen = new HashSet<>();
            long start = clock.getAsLong();
            int deferred = 0;
            for (VassalSource f : r.vassals()) {
                if (!f.fileShaped() || f.onDemandSocket() != null) {
                    files.add(f); // the source's own socket (a row's socket column) wins; no file, nothing to look beside
                    continue;
                }
                String k = key(f);
                boolean newName = exec != null && !execCache.containsKey(k);
                if (newName && clock.getAsLong() - start >= execBudgetMs) {
                    deferred++; // not handed over: not in seen either, so nothing is dropped for it
                    continue;
                }
                seen.add(k);
                String socket;
                try {
                    socket = safeLookup(f);
                } catch (UncheckedIOException e) {
                    // out of fds or memory while reading the sidecar says nothing about it: look again later
                    lookFailed.add(new LookFailed(f.name(), "on-demand sidecar: " + e.getCause().getMessage(),
                            Errno.of(e.getCause())));
                    continue;
                }
                if (newName) {
                    execCache.putIfAbsent(k, new Cached(socket)); // a failed lookup too: handed over as a normal vassal
                }
                files.add(tyrant ? underTyrant(f, socket) : f.withOnDemandSocket(socket));
            }
            if (deferred > 0) {
                log.warn("[emperor] emperor-on-demand-exec: " + execBudgetMs + " ms of lookups used up in " + r.monitor()
                        + "; " + deferred + " new vassal(s) wait for the next scan");
            }
            if (r.partial()) {
                out.add(ScanResult.partial(r.monitor(), files)); // names it does not list are not gone
                continue;
            }
            execCache.keySet().removeIf(k -> k.startsWith(r.monitor() + "\0") && !seen.contains(k));
            warned.keySet().removeIf(k -> k.startsWith(r.monitor() + "\0") && !seen.contains(k));
            out.add(new ScanResult(r.monitor(), true, null, files, r.skipped(), lookFailed, 0));
        }
        return out;
    }

    /** Tyrant: a UNIX socket only in a directory only root controls, bound by its symlink-free path ({@link TyrantSocketCheck}). */
    private VassalSource underTyrant(VassalSource f, String socket) {
        TyrantSocketCheck.Outcome o = TyrantSocketCheck.check(f, socket, directory);
        return o.refusal() != null ? f.withOnDemandSocket(socket).withRefusal(o.refusal()) : f.withOnDemandSocket(o.socket());
    }

    /** Tyrant mode is on: socket names are checked by {@link TyrantSocketCheck} (set once, before the first scan). */
    public OnDemandDiscovery underTyrant(boolean on) {
        this.tyrant = on;
        return this;
    }

    /** An unexpected failure (e.g. out of fds) must not kill the scanner thread: that vassal is a normal one. */
    private String safeLookup(VassalSource f) {
        try {
            return lookup(f);
        } catch (UncheckedIOException e) {
            throw e; // a failed look (docs/reliability.md): the caller keeps the vassal as it is
        } catch (RuntimeException e) {
            log.error("[emperor] on-demand socket lookup for " + f.name() + " failed (" + e + "): it starts as a normal vassal");
            return null;
        }
    }

    /** The socket name of one vassal, or null for a normal vassal. */
    String lookup(VassalSource f) {
        if (extension != null) {
            String k = key(f);
            Complaint complaint = new Complaint();
            String socket = fromSidecar(f.cwd().resolve(f.name() + extension), f, log, complaint);
            if (complaint.message == null) {
                warned.remove(k); // fixed: a new complaint later is logged again
            } else {
                warnOnce(k, complaint.message);
            }
            return socket;
        }
        if (directory != null) {
            return fromDirectory(directory, f.name());
        }
        Cached c = execCache.get(key(f));
        if (c == null) {
            c = new Cached(exec.run(f));
            execCache.put(key(f), c);
        }
        return c.socket();
    }

    /** What one sidecar read complained about (it complains at most once), null when nothing. */
    private static final class Complaint implements Consumer<String> {
        String message;

        @Override
        public void accept(String message) {
            this.message = message;
        }
    }

    /** The sidecar is read at every scan: the same complaint about the same vassal is logged once. */
    private void warnOnce(String key, String message) {
        if (!message.equals(warned.put(key, message))) {
            log.warn(message);
        }
    }

    private static String key(VassalSource f) {
        return f.monitor() + "\0" + f.name();
    }

    /**
     * NAME+EXT: missing, not a regular file, or empty → null. Read through {@link RegularFiles}
     * with O_NOFOLLOW: a FIFO swapped in does not block the scanner and a symlink (to /etc/shadow,
     * say) is not followed, as its first line would become the socket name, logged and shown in the
     * stats. The file read must belong to the vassal file's owner (or root): someone else's sidecar
     * next to your config does not choose your socket.
     */
    static String fromSidecar(Path sidecar, VassalSource vassal, Log log, Consumer<String> warn) {
        String name = vassal.name();
        RegularFiles.Head head;
        try {
            head = RegularFiles.read(sidecar, MAX_SIDECAR, true);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (Errno.saysNothingAboutIt(e)) {
                throw new UncheckedIOException(e);
            }
            String why = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
            warn.accept("[emperor] on-demand sidecar " + sidecar + " ignored (" + why + "): " + name + " starts as a normal vassal");
            return null;
        } catch (RuntimeException e) {
            String why = e.toString();
            warn.accept("[emperor] on-demand sidecar " + sidecar + " ignored (" + why + "): " + name + " starts as a normal vassal");
            return null;
        }
        if (head.uid() != vassal.uid() && head.uid() != 0) {
            warn.accept("[emperor] on-demand sidecar " + sidecar + " ignored: owned by uid " + head.uid() + ", but the vassal file "
                    + vassal.path() + " by uid " + vassal.uid() + "; " + name + " starts as a normal vassal");
            return null;
        }
        return socketName(head.bytes(), sidecar.toString(), log);
    }

    /** uWSGI: DIR + "/" + (basename of NAME up to its last '.') + ".socket"; no dot → null. */
    static String fromDirectory(String dir, String name) {
        String base = name.substring(name.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        return dir + "/" + base.substring(0, dot) + ".socket";
    }

    /** The bytes up to the first one below 32 (unsigned: UTF-8 stays whole), as UTF-8; empty → null. */
    static String socketName(byte[] raw, String source, Log log) {
        int len = 0;
        while (len < raw.length && (raw[len] & 0xff) >= 32) {
            len++;
        }
        if (len == 0) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, 0, len)).toString();
        } catch (CharacterCodingException e) {
            log.warn("[emperor] on-demand socket name in " + source + " is not valid UTF-8: ignored");
            return null;
        }
    }
}
