package dev.emperor.spawn;

import java.util.ArrayList;
import java.util.List;

/**
 * The exec chain in front of the uWSGI binary: what uWSGI's child does between fork and exec
 * (docs/uwsgi-compat.md, "Spawn recipe"), done by util-linux programs that exec the next one in place, so the
 * pid posix_spawn returned stays the vassal's pid and no Java runs in the child.
 * <pre>
 * [unshare --mount --propagation unchanged --uts --ipc --net --]     emperor-use-clone (needs CAP_SYS_ADMIN: first)
 * setpriv [--bounding-set -all,+setpcap,+CAP...]                     emperor-cap
 *         [--regid GID --reuid UID --clear-groups|--init-groups]      emperor-tyrant(-initgroups)
 *         [--inh-caps -all --ambient-caps -all]                       a non-root Emperor's kept caps
 *         --pdeathsig KILL --                                         always (when setpriv exists)
 * uwsgi ...
 * </pre>
 * Hook programs ({@link ExecChainHooks}) go first, after unshare and right before uwsgi, where uWSGI's
 * child runs its hooks (docs/hooks.md, "In the vassal's exec chain").
 * Order inside setpriv is setpriv's own (util-linux 2.38.1 {@code sys-utils/setpriv.c: main}):
 * setresuid (keeping caps), setresgid, groups, bounding set, then {@code PR_SET_PDEATHSIG} right
 * before exec — after every credential change, so the kernel's "credentials changed → clear
 * pdeathsig" rule cannot undo it (uWSGI's Tyrant vassals lose it: docs/uwsgi-compat.md, "Deliberate differences"). Checked on this
 * box: {@code prctl(PR_GET_PDEATHSIG)} in the exec'd program is 9 after a uid drop.
 * {@code unshare} without {@code --fork} calls unshare(2) and execs: same pid, and
 * {@code --propagation unchanged} keeps the mount propagation clone(CLONE_NEWNS) would give.
 * A pid namespace needs a fork after unshare(2) (the caller itself never enters it): then
 * {@code setpriv --pdeathsig KILL -- unshare --pid --fork --kill-child=KILL ...} runs in the pid
 * posix_spawn returned, and the vassal master is its only child, pid 1 of the new namespace;
 * unshare passes the vassal's exit status on (or dies of the same signal), the emperor pipe
 * reaches the vassal unchanged, and the Emperor's SIGKILL of unshare kills the whole namespace
 * (docs/uwsgi-compat.md, "Namespaces (emperor-use-clone)").
 */
public final class Trampoline {
    private final String setpriv;
    private final String unshare;
    private final boolean tyrant;
    private final boolean initGroups;
    private final List<String> caps;
    private final List<String> namespaces;
    private long passedCaps;
    private ExecChainHooks hooks = ExecChainHooks.NONE;
    private boolean parentDeath = true;

    /**
     * @param setpriv    absolute path of setpriv, null when not installed (then only a plain exec is possible)
     * @param unshare    absolute path of unshare, null when not installed
     * @param tyrant     drop to the uid/gid given to {@link #argv}
     * @param initGroups Tyrant: the owner's supplementary groups ({@code --init-groups}) instead of none
     * @param caps       capability names kept in the bounding set (setpcap is always added), empty = unchanged
     * @param namespaces mount, uts, ipc, net (emperor-use-clone), empty = none
     */
    public Trampoline(String setpriv, String unshare, boolean tyrant, boolean initGroups, List<String> caps,
                      List<String> namespaces) {
        this.setpriv = setpriv;
        this.unshare = unshare;
        this.tyrant = tyrant;
        this.initGroups = initGroups;
        this.caps = List.copyOf(caps);
        this.namespaces = List.copyOf(namespaces);
        if (setpriv == null && (tyrant || !caps.isEmpty())) {
            throw new IllegalArgumentException("setpriv (util-linux) is needed for emperor-tyrant and emperor-cap");
        }
        if (unshare == null && !namespaces.isEmpty()) {
            throw new IllegalArgumentException("unshare (util-linux) is needed for emperor-use-clone");
        }
    }

    /**
     * A non-root Emperor's kept capabilities ({@code cap}, docs/capabilities.md) that the spawning
     * thread raises as ambient for the trampoline (setpriv's setresuid, unshare), and that the last
     * setpriv clears ({@code --inh-caps -all --ambient-caps -all}) so uWSGI runs without them.
     */
    public Trampoline passingCaps(long caps) {
        if (caps != 0 && setpriv == null) {
            throw new IllegalArgumentException("setpriv (util-linux) is needed to clear the capabilities passed to vassals");
        }
        this.passedCaps = caps;
        return this;
    }

    /** The ambient capabilities to raise around a vassal's spawn, 0 for none. */
    public long passedCaps() {
        return passedCaps;
    }

    /**
     * {@code emperor-no-pdeathsig}: no {@code --pdeathsig KILL} anywhere in the chain. A parent-death
     * signal is tied to the thread that spawned the vassal, which an in-place upgrade's second exec
     * ends (docs/upgrade.md, "Parent-death signals and generations"); without it, a vassal of a dead
     * Emperor ends on its pipe's EOF, and systemd's cgroup takes the rest.
     */
    public Trampoline withoutParentDeathSignal() {
        this.parentDeath = false;
        return this;
    }

    /** True when vassals get SIGKILL as their parent-death signal (uWSGI's default). */
    public boolean parentDeathSignal() {
        return parentDeath && setpriv != null;
    }

    /** Hook programs composed into every chain (docs/hooks.md, "In the vassal's exec chain"). */
    public Trampoline hooks(ExecChainHooks hooks) {
        this.hooks = hooks;
        return this;
    }

    /** The argv to exec for {@code uwsgi} ({@code argv.get(0)} is the program); uid/gid matter only in Tyrant mode. */
    public List<String> argv(List<String> uwsgi, int uid, int gid) {
        return argv(uwsgi, uid, gid, null);
    }

    /** As {@link #argv(List, int, int)}, with the hook programs for {@code spec} (none when null). */
    public List<String> argv(List<String> uwsgi, int uid, int gid, SpawnSpec spec) {
        List<String> out = new ArrayList<>();
        if (spec != null) {
            out.addAll(hooks.prefix(ExecChainHooks.Stage.FIRST, spec));
        }
        if (!namespaces.isEmpty()) {
            boolean pid = namespaces.contains("pid");
            if (pid && setpriv != null && parentDeath) {
                // with a pid namespace unshare stays as the Emperor's child (the vassal is its child, pid 1
                // of the new namespace): unshare itself must die with the Emperor
                out.add(setpriv);
                out.add("--pdeathsig");
                out.add("KILL");
                out.add("--");
            }
            out.add(unshare);
            for (String ns : namespaces) {
                switch (ns) {
                    // uWSGI setuid(0)s in the new user namespace without mapping it (EINVAL, every vassal
                    // fails); the mapping it meant: root inside = the Emperor's uid outside
                    case "user" -> out.add("--map-root-user");
                    case "mount" -> {
                        out.add("--mount");
                        out.add("--propagation");
                        // a private /proc for the new pid namespace must not propagate to the host's /proc
                        out.add(pid ? "private" : "unchanged");
                        if (pid) {
                            out.add("--mount-proc");
                        }
                    }
                    case "pid" -> {
                        out.add("--pid");
                        out.add("--fork");
                        // unshare's death (the Emperor's SIGKILL of a cursed vassal, or the Emperor's death)
                        // kills the vassal, pid 1 of the namespace, and with it every process in it
                        out.add("--kill-child=KILL");
                    }
                    default -> out.add("--" + ns);
                }
            }
            out.add("--");
        }
        if (spec != null) {
            out.addAll(hooks.prefix(ExecChainHooks.Stage.BEFORE_DROP, spec));
        }
        if (setpriv != null) {
            out.add(setpriv);
            if (!caps.isEmpty()) {
                StringBuilder set = new StringBuilder("-all,+setpcap"); // uWSGI always keeps CAP_SETPCAP
                for (String cap : caps) {
                    if (!cap.equals("setpcap")) {
                        set.append(",+").append(cap);
                    }
                }
                out.add("--bounding-set");
                out.add(set.toString());
            }
            if (tyrant) {
                out.add("--regid");
                out.add(Integer.toUnsignedString(gid));
                out.add("--reuid");
                out.add(Integer.toUnsignedString(uid));
                out.add(initGroups ? "--init-groups" : "--clear-groups");
            }
            if (passedCaps != 0) {
                // after setresuid (which needed them) and before exec: a non-root exec keeps only ambient ones
                out.add("--inh-caps");
                out.add("-all");
                out.add("--ambient-caps");
                out.add("-all");
            }
            if (parentDeath) {
                out.add("--pdeathsig");
                out.add("KILL");
            }
            out.add("--");
        }
        if (spec != null) {
            out.addAll(hooks.prefix(ExecChainHooks.Stage.BEFORE_EXEC, spec));
        }
        out.addAll(uwsgi);
        return out;
    }
}
