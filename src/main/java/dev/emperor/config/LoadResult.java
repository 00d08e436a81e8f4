package dev.emperor.config;

import java.util.List;

/**
 * What {@link ConfigLoader#load} produced.
 *
 * @param config              the typed configuration
 * @param warnings            everything tolerated (unknown or ignored options, missing sections), in order;
 *                            each was also logged at WARN
 * @param statsHttp           {@code stats-http}: prefix the stats JSON with HTTP headers
 * @param statsMinified       {@code stats-minified}/{@code stats-min}: compact stats JSON
 * @param imperialMonitorList {@code imperial-monitor-list}: print the monitor types
 *                            ({@code *** uWSGI loaded imperial monitors ***}, {@code dir}, {@code glob},
 *                            {@code --- end of imperial monitors list ---})
 * @param pidFiles            uWSGI's {@code pidfile}, {@code pidfile2} and {@code vacuum}
 * @param earlyEmperor        {@code early-emperor}: uWSGI starts the Emperor before it drops privileges and
 *                            writes pidfile2, and a standalone Emperor never comes back from it, so the
 *                            Emperor keeps its uid/gid and no pidfile2 is written (docs/uwsgi-compat.md, "early-emperor")
 * @param processCaps         {@code cap}: capability names the Emperor keeps across its uid/gid drop
 *                            (docs/capabilities.md), empty = none
 */
public record LoadResult(EmperorConfig config, List<String> warnings, boolean statsHttp, boolean statsMinified,
                         boolean imperialMonitorList, PidFiles pidFiles, boolean earlyEmperor,
                         List<String> processCaps) {

    /**
     * uWSGI writes {@code pidfile} before it drops privileges and {@code pidfile2} after
     * ("writing pidfile to PATH" each time), and removes both at exit only with {@code vacuum}
     * ("VACUUM: pidfile removed."): docs/uwsgi-compat.md, "Emperor pidfiles".
     *
     * @param pidfile  null = none
     * @param pidfile2 null = none
     */
    public record PidFiles(String pidfile, String pidfile2, boolean vacuum) {
    }

    public LoadResult {
        warnings = List.copyOf(warnings);
        processCaps = List.copyOf(processCaps);
    }
}
