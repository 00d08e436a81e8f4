package dev.emperor.hooks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every hook option of the Emperor's configuration (docs/hooks.md), values as written, each already
 * checked by {@link #problem}. Which steps run where and in which order is uWSGI's
 * ({@code core/emperor.c}: {@code uwsgi_emperor_vassal_start}, {@code uwsgi_emperor_spawn_vassal},
 * {@code emperor_del}; master for the 2.1 options).
 *
 * @param startHook           {@code vassals-start-hook}: run as {@code CMD NAME} in the vassal's exec chain, null = none
 * @param stopHook            {@code vassals-stop-hook}: run as {@code CMD NAME} by the Emperor after the vassal ended, null = none
 * @param emperorStart        {@code hook-emperor-start} (fatal)
 * @param asEmperor           {@code hook-as-emperor}
 * @param mountAsEmperor      {@code mount-as-emperor}
 * @param umountAsEmperor     {@code umount-as-emperor}
 * @param execAsEmperor       {@code exec-as-emperor}
 * @param asVassal            {@code hook-as-vassal} (fatal)
 * @param mountAsVassal       {@code mount-as-vassal} (fatal)
 * @param umountAsVassal      {@code umount-as-vassal} (fatal)
 * @param execAsVassal        {@code exec-as-vassal} (fatal)
 * @param emperorBeforeVassal master's {@code hook-as-emperor-before-vassal} (a failure aborts the start)
 * @param vassalBeforeDrop    master's {@code hook-as-vassal-before-drop} (fatal)
 * @param onDemandVassal      master's {@code hook-as-on-demand-vassal} (every line runs; a failure removes the vassal)
 * @param onConfigVassal      master's {@code hook-as-on-config-vassal} (every line runs; a failure curses the vassal)
 */
public record HookConfig(String startHook, String stopHook, List<String> emperorStart, List<String> asEmperor,
                         List<String> mountAsEmperor, List<String> umountAsEmperor, List<String> execAsEmperor,
                         List<String> asVassal, List<String> mountAsVassal, List<String> umountAsVassal,
                         List<String> execAsVassal, List<String> emperorBeforeVassal, List<String> vassalBeforeDrop,
                         List<String> onDemandVassal, List<String> onConfigVassal) {

    public static final HookConfig NONE = new HookConfig(null, null, List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

    /** Options whose values are {@code action:args} lines. */
    public static final Set<String> HOOK_LISTS = Set.of("hook-emperor-start", "hook-as-emperor", "hook-as-vassal",
            "hook-as-emperor-before-vassal", "hook-as-vassal-before-drop", "hook-as-on-demand-vassal", "hook-as-on-config-vassal");

    public HookConfig {
        emperorStart = List.copyOf(emperorStart);
        asEmperor = List.copyOf(asEmperor);
        mountAsEmperor = List.copyOf(mountAsEmperor);
        umountAsEmperor = List.copyOf(umountAsEmperor);
        execAsEmperor = List.copyOf(execAsEmperor);
        asVassal = List.copyOf(asVassal);
        mountAsVassal = List.copyOf(mountAsVassal);
        umountAsVassal = List.copyOf(umountAsVassal);
        execAsVassal = List.copyOf(execAsVassal);
        emperorBeforeVassal = List.copyOf(emperorBeforeVassal);
        vassalBeforeDrop = List.copyOf(vassalBeforeDrop);
        onDemandVassal = List.copyOf(onDemandVassal);
        onConfigVassal = List.copyOf(onConfigVassal);
    }

    /** Without master's on-demand hooks. */
    public HookConfig(String startHook, String stopHook, List<String> emperorStart, List<String> asEmperor,
                      List<String> mountAsEmperor, List<String> umountAsEmperor, List<String> execAsEmperor,
                      List<String> asVassal, List<String> mountAsVassal, List<String> umountAsVassal,
                      List<String> execAsVassal, List<String> emperorBeforeVassal, List<String> vassalBeforeDrop) {
        this(startHook, stopHook, emperorStart, asEmperor, mountAsEmperor, umountAsEmperor, execAsEmperor, asVassal,
                mountAsVassal, umountAsVassal, execAsVassal, emperorBeforeVassal, vassalBeforeDrop, List.of(), List.of());
    }

    /** From option lists by canonical name (missing = empty) and the two scalar hooks. */
    public static HookConfig of(Map<String, List<String>> lists, String startHook, String stopHook) {
        return new HookConfig(startHook, stopHook, get(lists, "hook-emperor-start"), get(lists, "hook-as-emperor"),
                get(lists, "mount-as-emperor"), get(lists, "umount-as-emperor"), get(lists, "exec-as-emperor"),
                get(lists, "hook-as-vassal"), get(lists, "mount-as-vassal"), get(lists, "umount-as-vassal"),
                get(lists, "exec-as-vassal"), get(lists, "hook-as-emperor-before-vassal"), get(lists, "hook-as-vassal-before-drop"),
                get(lists, "hook-as-on-demand-vassal"), get(lists, "hook-as-on-config-vassal"));
    }

    private static List<String> get(Map<String, List<String>> lists, String name) {
        return lists.getOrDefault(name, List.of());
    }

    /**
     * Why {@code value} of hook option {@code option} cannot run, or null: uWSGI's wording of a bad
     * hook line, a refused action with its reason, a bad mount/umount argument.
     */
    public static String problem(String option, String value) {
        try {
            if (HOOK_LISTS.contains(option)) {
                HookLine.parse(value, option);
            } else if (option.startsWith("mount-as-")) {
                MountArgs.mount(value);
            } else if (option.startsWith("umount-as-")) {
                MountArgs.umount(value);
            } else if (option.startsWith("vassals-") && value.isEmpty()) {
                return "needs a command";
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** True when some hook runs in a vassal's exec chain. */
    public boolean anyInVassal() {
        return startHook != null || !asVassal.isEmpty() || !mountAsVassal.isEmpty() || !umountAsVassal.isEmpty()
                || !execAsVassal.isEmpty() || !emperorBeforeVassal.isEmpty() || !vassalBeforeDrop.isEmpty();
    }

    /** True when some hook runs in the Emperor after a spawn. */
    public boolean anyAfterSpawn() {
        return !asEmperor.isEmpty() || !mountAsEmperor.isEmpty() || !umountAsEmperor.isEmpty() || !execAsEmperor.isEmpty();
    }

    /** {@code hook-emperor-start}: fatal. */
    public List<HookStep> emperorStartSteps() {
        return lines(emperorStart, "emperor-start", 1);
    }

    /** Master's {@code hook-as-emperor-before-vassal}: every line runs, any failure fails the start. */
    public List<HookStep> beforeVassalSteps() {
        return lines(emperorBeforeVassal, "as-emperor-before-vassal", 3);
    }

    /** Master's {@code hook-as-vassal-before-drop}: fatal. */
    public List<HookStep> beforeDropSteps() {
        return lines(vassalBeforeDrop, "as-vassal-before-drop", 1);
    }

    /**
     * What uWSGI's child does between its fd cleanup and exec, in its order: start hook (result
     * ignored), hook-as-vassal (fatal), mount-, umount-, exec-as-vassal (a failure exits 1).
     *
     * @param vassalsDir {@code UWSGI_VASSALS_DIR} for the start hook, null = not set
     */
    public List<HookStep> vassalSteps(String name, String vassalsDir) {
        List<HookStep> steps = new ArrayList<>();
        if (startHook != null) {
            steps.add(commandHook("start", name, vassalsDir));
        }
        steps.addAll(lines(asVassal, "as-vassal", 1));
        for (String m : mountAsVassal) {
            steps.add(new HookStep("mount", 2, "mounting \"" + m + "\" (as-vassal)...", "", MountArgs.mount(m)));
        }
        for (String m : umountAsVassal) {
            steps.add(new HookStep("umount", 2, "un-mounting \"" + m + "\" (as-vassal)...", "", MountArgs.umount(m)));
        }
        for (String c : execAsVassal) {
            steps.add(HookStep.of("exec", 2, "running \"" + c + "\" (as-vassal)...", "", c));
        }
        return steps;
    }

    /**
     * What uWSGI's Emperor does right after a spawn, in its order, none fatal: hook-as-emperor,
     * mount-, umount-, exec-as-emperor (the last with {@code UWSGI_VASSAL_CONFIG/PID/UID/GID}).
     */
    public List<HookStep> afterSpawnSteps(String name, int pid, int uid, int gid) {
        List<HookStep> steps = new ArrayList<>(lines(asEmperor, "as-emperor", 0));
        String who = " (as-emperor for vassal \"" + name + "\" pid: " + pid + " uid: " + uid + " gid: " + gid + ")...";
        for (String m : mountAsEmperor) {
            steps.add(new HookStep("mount", 0, "mounting \"" + m + "\"" + who, "unable to mount " + m, MountArgs.mount(m)));
        }
        for (String m : umountAsEmperor) {
            steps.add(new HookStep("umount", 0, "un-mounting \"" + m + "\"" + who, "unable to umount " + m, MountArgs.umount(m)));
        }
        for (String c : execAsEmperor) {
            steps.add(HookStep.of("eexec", 0, "running \"" + c + "\"" + who, "", c, name, Integer.toString(pid),
                    Integer.toString(uid), Integer.toString(gid)));
        }
        return steps;
    }

    /**
     * Master's {@code hook-as-on-demand-vassal} (an on-demand vassal goes to sleep on its socket) or
     * {@code hook-as-on-config-vassal} (a sleeping one had its config changed), as master's
     * {@code uwsgi_hooks_run_and_return(list, phase, NAME, 0)}: {@code UWSGI_HOOK_CONTEXT} = the
     * vassal's name, every line runs, the list fails when any line failed. Empty without lines.
     */
    public List<HookStep> onDemandSteps(String name, boolean configChanged) {
        List<String> values = configChanged ? onConfigVassal : onDemandVassal;
        if (values.isEmpty()) {
            return List.of();
        }
        List<HookStep> steps = new ArrayList<>(values.size() + 1);
        steps.add(HookStep.of("putenv", 0, "", "", "UWSGI_HOOK_CONTEXT=" + name));
        steps.addAll(lines(values, configChanged ? "as-on-config-vassal" : "as-on-demand-vassal", 3));
        return steps;
    }

    /** {@code vassals-stop-hook} for a vassal that ended; empty without one. */
    public List<HookStep> stopSteps(String name, String vassalsDir) {
        return stopHook == null ? List.of() : List.of(commandHook("stop", name, vassalsDir));
    }

    private HookStep commandHook(String which, String name, String vassalsDir) {
        String cmd = which.equals("start") ? startHook : stopHook;
        return HookStep.of("hookcmd", 0, "[emperor] running vassal " + which + "-hook: " + cmd + " " + name, "", cmd, name,
                vassalsDir == null ? "" : vassalsDir, which);
    }

    private static List<HookStep> lines(List<String> values, String phase, int fatal) {
        List<HookStep> steps = new ArrayList<>(values.size());
        for (String v : values) {
            steps.add(HookLine.parse(v, phase).fatal(fatal));
        }
        return steps;
    }
}
