/**
 * Integration tests: the real daemon jar governing real uWSGI 2.0.21 vassals (python3 plugin) on 127.0.0.1.
 *
 * <h2>How to run</h2>
 * Failsafe runs every {@code *IT} class in the {@code integration-test} phase against {@code target/emperor.jar}
 * (system property {@code emperor.jar}, set by the pom):
 * <pre>
 *   mvn -o verify                                   # unit tests + all ITs against our daemon
 *   mvn -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=TouchReloadIT
 * </pre>
 *
 * <h2>Running the same tests against the real uWSGI Emperor</h2>
 * The harness can start {@code uwsgi --ini emperor.ini} instead of our jar, with the very same emperor.ini.
 * Every compatibility test must pass there too; tests of deliberate improvements (full-precision mtime,
 * HTTP stats, millisecond reaction, garbage diagnostics) are skipped (JUnit "aborted") under uWSGI.
 * <pre>
 *   mvn -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Demperor.impl=uwsgi
 *   EMPEROR_IMPL=uwsgi mvn -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false   # same, via env
 * </pre>
 * Knobs (system property, else environment variable, else default):
 * <ul>
 *   <li>{@code emperor.impl} / {@code EMPEROR_IMPL}: {@code ours} (default) or {@code uwsgi};</li>
 *   <li>{@code emperor.launch} / {@code EMPEROR_LAUNCH}: {@code ini} (default: {@code --ini emperor.ini}) or
 *       {@code cmdline} (every option as {@code --key value});</li>
 *   <li>{@code uwsgi.bin} / {@code UWSGI_BIN}: the uWSGI executable (default {@code uwsgi} from PATH);</li>
 *   <li>{@code it.logdir} / {@code IT_LOGDIR}: where each emperor's complete output (its own log and its vassals')
 *       is kept (default {@code target/it-logs}).</li>
 * </ul>
 *
 * <h2>Rules of the harness</h2>
 * No sleeping: every wait is {@link dev.emperor.it.Poll} with a deadline; the only negative wait
 * ("stays true for D") is {@link dev.emperor.it.Poll#holds}. Each {@link dev.emperor.it.TempEmperor} lives in
 * its own temp dir with its own free ports; {@code close()} stops the daemon and SIGKILLs, by pid only, every
 * descendant it ever saw (recorded from /proc while it ran and from the stats), then deletes the dir.
 * Caveat under uWSGI: each stats request makes uWSGI run a full directory scan, so tests that check scan
 * timing (SIGWINCH, reaction latency) do not poll the stats.
 */
package dev.emperor.it;
