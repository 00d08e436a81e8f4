package dev.emperor.source;

import dev.emperor.log.Log;
import java.nio.file.Path;
import java.util.List;

/**
 * What every monitor factory of {@link MonitorKinds} is given besides its {@code emperor} value.
 *
 * @param base     the Emperor's startup directory: relative values resolve against it, and config-shaped
 *                 vassals run in it (uWSGI: the Emperor's cwd)
 * @param names    which names are vassal configs (extensions, length), the same rules for every kind
 * @param nofollow {@code emperor-nofollow}
 * @param attrs    {@code emperor-collect-attr} keys
 * @param tyrant   emperor-tyrant's ownership rules, null outside Tyrant mode
 * @param log      for a monitor's own lines (connection state); never a password in them
 */
public record MonitorContext(Path base, VassalNames names, boolean nofollow, List<String> attrs, TyrantCheck tyrant,
                             Log log) {

    public MonitorContext {
        attrs = List.copyOf(attrs);
    }
}
