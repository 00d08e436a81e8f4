package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.log.Log;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** After a burst: malloc_trim, then the read-only file mappings paged out (docs/operations.md, "Start-up pages"). */
@Timeout(10)
class MemoryReleaseTest {
    static final List<String> MAPS = List.of(
            "55d0c0000000-55d0c0001000 r--p 00000000 fd:01 100 /usr/lib/jvm/java-17-openjdk-amd64/bin/java",
            "55d0c1000000-55d0c1400000 rw-p 00000000 00:00 0 [heap]",
            "7f0c2a000000-7f0c2b400000 r-xp 00200000 fd:01 200 /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so",
            "7f0c2b400000-7f0c2b500000 rw-p 01600000 fd:01 200 /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so",
            "800000000-800a00000 rw-p 00001000 fd:01 300 /usr/lib/jvm/java-17-openjdk-amd64/lib/server/classes.jsa",
            "800a00000-801000000 r--p 00a01000 fd:01 300 /usr/lib/jvm/java-17-openjdk-amd64/lib/server/classes.jsa",
            "7f0c30000000-7f0c30100000 r--s 00000000 fd:01 400 /var/cache/emperor/shared.map",
            "7f0c31000000-7f0c31010000 r-xp 00000000 00:05 5 /memfd:x (deleted)",
            "7f0c32000000-7f0c32001000 r--p 00000000 00:05 6 /dev/zero",
            "7f0c33000000-7f0c33030000 r-xp 00000000 00:1f 7 /tmp/jffi123.so (deleted)",
            "7f0c34000000-7f0c34021000 ---p 00000000 00:00 0",
            "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]",
            "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]");

    private final FakeNative nat = new FakeNative();
    private final List<String> debug = new ArrayList<>();
    private final Log log = new Log() {
        @Override public void plain(String line) { }
        @Override public void verbose(String line) { }
        @Override public void warn(String line) { }
        @Override public void error(String line) { }
        @Override public void debug(String line) { debug.add(line); }
    };

    @Test
    void onlyPrivateReadOnlyFileMappingsArePagedOutAfterTheTrim() {
        new MemoryRelease(nat, () -> MAPS, log, Thread::new).releaseNow();
        assertEquals(List.of("malloc_trim",
                "page_out 55d0c0000000 4096",
                "page_out 7f0c2a000000 20971520",
                "page_out 800a00000 6291456",
                "page_out 7f0c33000000 196608"), nat.calls);
        assertTrue(debug.get(0).contains("26820 KB"), debug.toString());
    }

    @Test
    void aKernelWithoutPageOutIsAskedOnceThenOnlyTrimmed() {
        nat.pageOutResult = -22;
        MemoryRelease release = new MemoryRelease(nat, () -> MAPS, log, Thread::new);
        release.releaseNow();
        assertEquals(5, nat.calls.size());
        nat.calls.clear();
        release.releaseNow();
        assertEquals(List.of("malloc_trim"), nat.calls);
    }

    @Test
    void anUnreadableMapsFileStillTrimsAndIsOnlyLogged() {
        new MemoryRelease(nat, () -> {
            throw new IllegalStateException("/proc/self/maps: EMFILE");
        }, log, Thread::new).releaseNow();
        assertEquals(List.of("malloc_trim"), nat.calls);
        assertTrue(debug.get(0).contains("EMFILE"), debug.toString());
    }

    @Test
    void aThreadThatCannotStartSkipsThisReleaseButNotTheNext() throws Exception {
        boolean[] refuse = {true};
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        MemoryRelease release = new MemoryRelease(nat, () -> MAPS, log, work -> new Thread(() -> {
            work.run();
            done.countDown();
        }) {
            @Override
            public synchronized void start() {
                if (refuse[0]) {
                    throw new OutOfMemoryError("unable to create native thread");
                }
                super.start();
            }
        });
        release.run();
        assertTrue(debug.get(0).contains("skipped"), debug.toString());
        assertEquals(List.of(), nat.calls);
        refuse[0] = false;
        release.run();
        assertTrue(done.await(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("malloc_trim", nat.calls.get(0));
    }

    @Test
    void theParserSkipsAnonymousSharedWritableAndSpecialMappings() {
        List<ReadOnlyFileMappings.Range> ranges = ReadOnlyFileMappings.of(MAPS);
        assertEquals(List.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                "/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so",
                "/usr/lib/jvm/java-17-openjdk-amd64/lib/server/classes.jsa",
                "/tmp/jffi123.so (deleted)"), ranges.stream().map(ReadOnlyFileMappings.Range::path).toList());
        assertEquals(List.of(), ReadOnlyFileMappings.of(List.of("", "garbage", "zz-yy r--p 0 0:0 1 /x")));
    }
}
