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

    /**
     * The {@code emperor-use-clone} names and the namespace each means, as unshare(1)'s option name.
     * uWSGI 2.0.21 maps {@code fs}, {@code ns}, {@code mount} and {@code mnt} all to CLONE_NEWNS
     * ({@code core/utils.c: uwsgi_unshare_list}).
     */
    private static final Map<String, String> NAMESPACES = Map.of(
            "net", "net", "ipc", "ipc", "uts", "uts", "ns", "mount", "fs", "mount", "mount", "mount", "mnt", "mount",
            "pid", "pid", "user", "user");

    /**
     * uWSGI's clone() sharing flags: accepted (a documented config must run) with one warning, since
     * they mean nothing, or only harm, for a process that is spawned and then execs uWSGI.
     */
    private static final Map<String, String> SHARING = Map.of(
            "files", "CLONE_FILES shares the fd table only until exec, which unshares it; the vassal gets its own",
            "io", "CLONE_IO (sharing the Emperor's I/O scheduling context) cannot be given to a spawned process;"
                    + " the vassal gets its own I/O context",
            "parent", "CLONE_PARENT would make the vassal a sibling of the Emperor, which could then not reap it;"
                    + " the vassal stays the Emperor's child",
            "sysvsem", "CLONE_SYSVSEM shares System V semaphore undo lists with the Emperor, which holds none;"
                    + " the vassal gets its own");

    /**
     * {@code emperor-use-clone}: comma-separated subsystems; returns the namespaces (user, mount, uts,
     * ipc, net, pid: unshare(1)'s option names), each once, in a fixed order. Unknown → uWSGI's fatal
     * {@code unknown namespace subsystem: NAME}; a sharing flag → accepted with one warning.
     */
    static List<String> namespaces(Entry e, Warnings warnings) throws ConfigException {
        List<String> flags = new ArrayList<>();
        for (String token : e.value.split(",")) {
            if (token.isEmpty()) {
                continue;
            }
            String flag = NAMESPACES.get(token);
            if (flag == null) {
                String why = SHARING.get(token);
                if (why == null) {
                    throw new ConfigException(e.origin, e.key, "unknown namespace subsystem: " + token);
                }
                warnings.add("[emperor] emperor-use-clone '" + token + "' " + e.origin.where() + " has no effect: " + why);
                continue;
            }
            if (!flags.contains(flag)) {
                flags.add(flag);
            }
        }
        List<String> ordered = new ArrayList<>();
        for (String f : List.of("user", "mount", "uts", "ipc", "net", "pid")) {
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
