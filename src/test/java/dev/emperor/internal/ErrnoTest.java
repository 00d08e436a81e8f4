package dev.emperor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The errno classes of docs/reliability.md, in their one place. */
class ErrnoTest {

    @Test
    void failuresOfTheEmperorSayNothingAboutTheFile() {
        for (int e : new int[] {Errno.EMFILE, Errno.ENFILE, Errno.ENOMEM, Errno.EINTR, Errno.EIO, Errno.EAGAIN,
                Errno.ENOBUFS, Errno.ETIMEDOUT}) {
            assertTrue(Errno.saysNothingAboutIt(e), "errno " + e);
        }
        for (int e : new int[] {Errno.ENOENT, 13 /* EACCES */, 20 /* ENOTDIR */, 40 /* ELOOP */, 0}) {
            assertFalse(Errno.saysNothingAboutIt(e), "errno " + e);
        }
    }

    @Test
    void resourcesAreTheShortagesCountedInTheMetric() {
        assertEquals(Errno.Resource.EMFILE, Errno.resource(24));
        assertEquals(Errno.Resource.ENFILE, Errno.resource(23));
        assertEquals(Errno.Resource.EAGAIN, Errno.resource(11));
        assertEquals(Errno.Resource.ENOMEM, Errno.resource(12));
        assertNull(Errno.resource(Errno.EIO), "EIO says nothing about the file, but is no shortage");
        assertNull(Errno.resource(2));
        assertEquals("emfile", Errno.Resource.EMFILE.label());
    }

    @Test
    void theErrnoIsFoundInOurExceptionsAndInTheJdksTexts() {
        assertEquals(24, Errno.of(new NativeException("socketpair", 24)));
        assertEquals(11, Errno.of(new SpawnException("posix_spawn", 11)));
        assertEquals(24, Errno.of(new Errno.ErrnoException("/v/a.ini", "open: errno 24", 24)));
        assertEquals(24, Errno.of(new FileSystemException("/v", null, "Too many open files")));
        assertEquals(23, Errno.of(new FileSystemException("/v", null, "Too many open files in system")));
        assertEquals(24, Errno.of(new IOException("Too many open files")), "ServerSocketChannel.accept's message");
        assertEquals(12, Errno.of(new RuntimeException("wrapped", new IOException("Cannot allocate memory"))));
        assertEquals(0, Errno.of(new NoSuchFileException("/v/a.ini")));
        assertEquals(0, Errno.of(new AccessDeniedException("/v/a.ini")));
        assertFalse(Errno.saysNothingAboutIt(new NoSuchFileException("/v/a.ini")));
    }
}
