package dev.emperor.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parsers for {@code emperor-cap} and {@code emperor-use-clone} ({@code core/utils.c: uwsgi_build_cap},
 * {@code uwsgi_build_unshare}), which this daemon applies through exec trampolines (util-linux
 * {@code setpriv --bounding-set}, {@code unshare}) instead of calls between fork and exec.
 */
final class PrivilegeOptions {

    private PrivilegeOptions() {
    }

    /** uWSGI's {@code uwsgi_cap_list} (same names, same order) with the kernel's capability numbers. */
    static final List<String> CAPABILITIES = List.of(
            "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
            "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
            "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
            "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
            "mac_override", "mac_admin", "syslog", "wake_alarm");

    /**
     * {@code emperor-cap}: comma-separated names (or numbers, as uWSGI accepts them). uWSGI logs
     * {@code [security] unknown capability} and carries on with the rest; a typo silently widening or
     * narrowing a security boundary is refused here instead. No known name at all is uWSGI's fatal
     * {@code [security] empty capabilities mask !!!}.
     */
    static List<String> caps(Entry e) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (String token : e.value.split(",")) {
            if (token.isEmpty()) {
                continue; // strtok skips empty tokens
            }
            String name = token;
            if (token.chars().allMatch(Character::isDigit)) {
                int n = parseSmall(token);
                if (n < 0 || n >= CAPABILITIES.size()) {
                    throw new ConfigException(e.origin, e.key, "[security] unknown capability: " + token
                            + " (known: 0.." + (CAPABILITIES.size() - 1) + " or a name)");
                }
                name = CAPABILITIES.get(n);
            } else if (!CAPABILITIES.contains(token)) {
                throw new ConfigException(e.origin, e.key, "[security] unknown capability: " + token
                        + " (names as in uWSGI, lower case without cap_, e.g. net_bind_service)");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(e.origin, e.key, "[security] empty capabilities mask !!!");
        }
        return out;
    }

    /** The {@code emperor-use-clone} names a trampoline can honour, with the namespace each means (unshare --NAME). */
    private static final Map<String, String> NAMESPACES = Map.of(
            "net", "net", "ipc", "ipc", "uts", "uts", "ns", "mount", "mount", "mount", "mnt", "mount");

    /** Names of uWSGI's table that are refused, and why. */
    private static final Map<String, String> REFUSED = Map.of(
            "pid", "a new pid namespace needs a fork after unshare: the vassal would not be the Emperor's child"
                    + " (its pid would be unshare's)",
            "user", "uWSGI's setuid(0) after clone(CLONE_NEWUSER) fails without uid maps; not supported",
            "files", "CLONE_FILES shares the fd table with the parent; a vassal must not share the Emperor's fds",
            "fs", "ambiguous and unsafe: CLONE_FS in older uWSGI (the vassal would share the Emperor's cwd and umask),"
                    + " a mount namespace in 2.0.x; write 'mount' for a mount namespace",
            "io", "CLONE_IO shares the parent's I/O context, a sharing flag that needs clone(); not supported",
            "parent", "CLONE_PARENT makes the vassal a sibling of the Emperor: it could not be reaped; not supported",
            "sysvsem", "CLONE_SYSVSEM shares semaphore undo lists with the parent; needs clone(), not supported");

    /**
     * {@code emperor-use-clone}: comma-separated subsystems; returns the namespaces (mount, uts,
     * ipc, net: unshare(1)'s option names), each once, in a fixed order. Unknown → uWSGI's fatal {@code unknown namespace subsystem: NAME}.
     */
    static List<String> namespaces(Entry e) throws ConfigException {
        List<String> flags = new ArrayList<>();
        for (String token : e.value.split(",")) {
            if (token.isEmpty()) {
                continue;
            }
            String flag = NAMESPACES.get(token);
            if (flag == null) {
                String why = REFUSED.get(token);
                throw new ConfigException(e.origin, e.key, why == null
                        ? "unknown namespace subsystem: " + token
                        : "namespace subsystem '" + token + "' is refused: " + why);
            }
            if (!flags.contains(flag)) {
                flags.add(flag);
            }
        }
        List<String> ordered = new ArrayList<>();
        for (String f : List.of("mount", "uts", "ipc", "net")) {
            if (flags.contains(f)) {
                ordered.add(f);
            }
        }
        return ordered;
    }

    private static int parseSmall(String digits) {
        return digits.length() > 3 ? -1 : Integer.parseInt(digits);
    }
}
