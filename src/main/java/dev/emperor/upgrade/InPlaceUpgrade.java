package dev.emperor.upgrade;

import dev.emperor.Version;
import dev.emperor.core.EmperorLog;
import dev.emperor.core.LoopHooks;
import dev.emperor.core.LoopImage;
import dev.emperor.internal.Native;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The old process's half of the in-place upgrade (docs/upgrade.md, "Order of events"), run on the
 * loop thread — the thread that spawned every vassal, so that their parent-death signals stay armed
 * (docs/platform-notes.md, "Replacing the JVM in place") — from inside a loop task, so that no event
 * is handled after the state is taken: {@code RELOADING=1}; the document into a memfd; FD_CLOEXEC
 * cleared on exactly the handed-over fds; execve. It returns only when the exec failed: then every fd
 * is close-on-exec again, {@code READY=1}, and the old process carries on.
 */
public final class InPlaceUpgrade {
    /** The memfd holding the state document. */
    public static final String STATE_ENV = "EMPEROR_UPGRADE_STATE";
    /** The manifest: {@code fd:pid:name} per vassal pipe, {@code fd:0:kind} per listener. */
    public static final String FDS_ENV = "EMPEROR_UPGRADE_FDS";
    /** In-place upgrades so far, this one included: the count survives a document that cannot be read. */
    public static final String COUNT_ENV = "EMPEROR_UPGRADE_COUNT";
    /** 1 when the vassals handed over were spawned with a parent-death signal, 0 when not (emperor-no-pdeathsig). */
    public static final String PDEATHSIG_ENV = "EMPEROR_UPGRADE_PDEATHSIG";
    /**
     * Test only (UpgradeIT's corrupt-document case, docs/upgrade.md "Testing the failure path"): when set
     * in the old process's environment, the document it writes is cut in half, so that the successor
     * must fall back to the manifest.
     */
    public static final String TEST_CORRUPT_ENV = "EMPEROR_UPGRADE_TEST_CORRUPT_STATE";

    private final Native nat;
    private final EmperorLog log;
    private final LoopHooks hooks;
    private final ExecTarget target;
    private final Map<String, String> environment;
    private final boolean parentDeathArmed;
    /** The vassals handed to this process carry a parent-death signal (their spawner's setting). */
    private boolean inheritedArmed = true;
    private long keptCaps;
    private final java.util.concurrent.atomic.AtomicBoolean underWay = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param target      what to exec (null: unknown, every upgrade is refused)
     * @param environment this process's environment, the upgrade's own variables already removed
     * @param parentDeathArmed vassals are spawned with a parent-death signal (setpriv exists)
     */
    public InPlaceUpgrade(Native nat, EmperorLog log, LoopHooks hooks, ExecTarget target, Map<String, String> environment,
                          boolean parentDeathArmed) {
        this.parentDeathArmed = parentDeathArmed;
        this.nat = nat;
        this.log = log;
        this.hooks = hooks;
        this.target = target;
        this.environment = Map.copyOf(environment);
    }

    /**
     * An Emperor that dropped to a user keeping capabilities (the unprivileged Tyrant, {@code cap})
     * loses them at execve unless they are ambient: they are raised just before the exec, on this
     * thread (docs/capabilities.md), and lowered again if it fails.
     */
    public InPlaceUpgrade keepingCapabilities(long caps) {
        this.keptCaps = caps;
        return this;
    }

    /** Marks an upgrade under way; false when one is already (its probe runs, or its exec failed just now). */
    public boolean begin() {
        return underWay.compareAndSet(false, true);
    }

    /** The upgrade under way ended without an exec. */
    public void end() {
        underWay.set(false);
    }

    /**
     * What the process that handed its vassals to this one spawned them with ({@link #PDEATHSIG_ENV};
     * unknown counts as armed): a vassal's signal is its spawner's setting, not this process's config.
     */
    public InPlaceUpgrade inheritedParentDeath(boolean armed) {
        this.inheritedArmed = armed;
        return this;
    }

    /** Why an upgrade of the state {@code image} would not be tried, or null. */
    public String refusal(LoopImage image) {
        return target == null ? "cannot tell which program to exec (no /proc/self/cmdline)" : parentDeathRefusal(image);
    }

    /**
     * Loop thread, inside a loop task. Returns only when the exec failed: the reason (the old process
     * carries on).
     */
    public String run(LoopImage image, Map<String, Integer> listeners) {
        String refused = refusal(image);
        if (refused != null) {
            log.error("*** in-place upgrade refused: " + refused + " ***");
            return refused;
        }
        hooks.reloading();
        HandOver h = StateCapture.handOver(image, Version.VERSION, listeners, System.nanoTime());
        byte[] doc = HandOverJson.write(h);
        if (environment.containsKey(TEST_CORRUPT_ENV)) {
            doc = java.util.Arrays.copyOf(doc, doc.length / 2);
        }
        int memfd;
        try {
            memfd = nat.memfd("emperor-upgrade-state");
        } catch (RuntimeException e) {
            return failed("memfd_create: " + e.getMessage(), List.of(), -1);
        }
        for (int off = 0; off < doc.length; ) {
            int n = nat.write(memfd, doc, off, doc.length - off);
            if (n <= 0) {
                return failed("writing the state document: " + nat.strerror(-n), List.of(), memfd);
            }
            off += n;
        }
        // the JDK opened fds since start-up without O_CLOEXEC (accepted stats connections among them): only
        // the handed-over fds may cross, so every fd is marked first and those are cleared after
        nat.markAllCloseOnExec();
        List<Integer> crossing = new ArrayList<>(StateCapture.fds(h));
        crossing.add(memfd);
        List<Integer> cleared = new ArrayList<>();
        try {
            for (int fd : crossing) {
                nat.setCloseOnExec(fd, false);
                cleared.add(fd);
            }
        } catch (RuntimeException e) {
            return failed(e.getMessage(), cleared, memfd);
        }
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put(STATE_ENV, Integer.toString(memfd));
        env.put(FDS_ENV, StateCapture.manifest(h));
        env.put(COUNT_ENV, Long.toString(h.upgrades()));
        env.put(PDEATHSIG_ENV, parentDeathArmed ? "1" : "0");
        List<String> envp = new ArrayList<>(env.size());
        env.forEach((k, v) -> envp.add(k + "=" + v));
        log.plain("*** in-place upgrade: exec " + String.join(" ", target.argv()) + " (" + h.vassals().size()
                + " vassals, " + doc.length + " bytes of state on fd " + memfd + ") ***");
        if (keptCaps != 0) {
            try {
                nat.setAmbientCapabilities(keptCaps);
            } catch (RuntimeException e) {
                return failed("cannot keep the capabilities across the exec: " + e.getMessage(), cleared, memfd);
            }
        }
        int errno = nat.execve(target.path(), target.argv(), envp);
        if (keptCaps != 0) {
            try {
                nat.setAmbientCapabilities(0);
            } catch (RuntimeException e) {
                log.error("[emperor] in-place upgrade: cannot lower the ambient capabilities again: " + e.getMessage());
            }
        }
        return failed("execve " + target.path() + ": " + nat.strerror(errno), cleared, memfd);
    }

    /**
     * Vassals spawned through {@code setpriv --pdeathsig KILL} die with the thread that spawned them,
     * and execve ends every thread but the caller. The java launcher runs main() on a new thread, so
     * after an upgrade the vassals handed over hang off the new JVM's primordial thread, which the next
     * exec from the loop thread would end: SIGKILL for each of them (docs/platform-notes.md,
     * "Replacing the JVM in place", proved by ExecTrapsTest). Refused rather than an outage.
     */
    private String parentDeathRefusal(LoopImage image) {
        if (!inheritedArmed) {
            return null;
        }
        List<String> doomed = new ArrayList<>();
        for (LoopImage.VassalImage v : image.vassals()) {
            if (v.flags().getOrDefault(LoopImage.EARLIER_GENERATION, false)) {
                doomed.add(v.name());
            }
        }
        if (doomed.isEmpty()) {
            return null;
        }
        return doomed.size() + " vassal(s) still run the process handed over by the previous upgrade ("
                + String.join(", ", doomed.subList(0, Math.min(5, doomed.size()))) + (doomed.size() > 5 ? ", ..." : "")
                + "): their parent-death signal is tied to a thread this exec would end, so they would be killed;"
                + " respawn them (stop + start) or restart the Emperor, then upgrade (with emperor-no-pdeathsig vassals"
                + " carry no such signal and no upgrade is refused)";
    }

    private String failed(String why, List<Integer> cleared, int memfd) {
        for (int fd : cleared) {
            try {
                nat.setCloseOnExec(fd, true);
            } catch (RuntimeException e) {
                log.error("[emperor] in-place upgrade: cannot make fd " + fd + " close-on-exec again: " + e.getMessage());
            }
        }
        if (memfd >= 0) {
            nat.close(memfd);
        }
        log.error("*** in-place upgrade FAILED: " + why + "; this Emperor carries on, every vassal untouched ***");
        hooks.reloaded();
        return why;
    }

    /** The environment without the upgrade's own variables (vassals and the next upgrade never see them). */
    public static Map<String, String> withoutUpgradeVariables(Map<String, String> env) {
        Map<String, String> m = new LinkedHashMap<>(env);
        m.remove(STATE_ENV);
        m.remove(FDS_ENV);
        m.remove(COUNT_ENV);
        m.remove(PDEATHSIG_ENV);
        return m;
    }
}
