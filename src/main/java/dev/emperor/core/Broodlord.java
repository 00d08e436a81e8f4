package dev.emperor.core;

import dev.emperor.source.VassalSource;

/**
 * {@code emperor-broodlord N} (docs/uwsgi-compat.md, "Broodlord"): a vassal's SOS byte (30) makes a
 * zerg record, up to N zerg records in all, as uWSGI's {@code emperor_loop} does. The zerg is the
 * vassal's config file again with {@code :zerg} after the name, so uWSGI reads its {@code [zerg]}
 * section, with the vassal's owner and directory. Loop thread only.
 */
final class Broodlord {
    private final Effects fx;
    private final Blacklist blacklist;
    private final EmperorLog log;
    private final int max;

    Broodlord(Effects fx, Blacklist blacklist, EmperorLog log, int max) {
        this.fx = fx;
        this.blacklist = blacklist;
        this.log = log;
        this.max = max;
    }

    /**
     * The new zerg record for {@code v}'s SOS, not yet started; null when broodlord is off, N zergs
     * run, or the zerg's name is blacklisted (a zerg that died before it was loyal).
     */
    Vassal zergFor(Vassal v, long now) {
        if (max <= 0 || fx.zergs() >= max || v.zergOf != null) {
            return null; // a zerg's own SOS would ask for NAME:zerg:zerg, a section no config has
        }
        VassalSource base = v.file;
        if (base.path() == null) {
            log.about(v, "broodlord").warn("[emperor] broodlord: " + v.name + " has no config file for a [zerg] section;"
                    + " its SOS is ignored");
            return null;
        }
        String source = v.name + ":zerg";
        VassalSource zergFile = new VassalSource(source, base.path(), base.cwd(), base.mtimeNanos(), base.uid(),
                base.gid(), base.monitor(), base.attrs(), null, null);
        // uWSGI lists every zerg of a vassal as NAME:zerg; the stats and commands here need one name per record
        String name = source;
        for (int i = 2; fx.holds(name); i++) {
            name = source + "#" + i;
        }
        if (blacklist.blockedUntil(name) > now) {
            return null; // uWSGI's emperor_add returns at once for a name inside its blacklist window
        }
        log.about(v, "broodlord").verbose("[emperor] going in broodlord mode: launching zergs for " + v.name);
        Vassal zerg = new Vassal(name, zergFile, now);
        zerg.zergOf = v.name;
        return zerg;
    }
}
