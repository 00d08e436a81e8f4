package dev.emperor.internal;

/**
 * What one recvmsg delivered.
 *
 * @param length    bytes received; 0 = EOF, negative = -errno
 * @param fds       the fds passed as SCM_RIGHTS, already close-on-exec; the receiver owns them
 * @param truncated MSG_CTRUNC: more fds were sent than room was given (the kernel closed the rest)
 */
public record ReceivedFds(int length, int[] fds, boolean truncated) {
}
