package io.vhostdma.vhost.internal.sys;

/** A failed system call: the call's name, errno and the caller's {@code name=value} context. */
public final class SysException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;

    public SysException(String call, int errno, String context) {
        super(call + " failed: errno=" + errno + " (" + Libc.strerror(errno) + ")"
                + (context == null || context.isEmpty() ? "" : " " + context));
        this.call = call;
        this.errno = errno;
    }

    /** The libc function that failed, e.g. {@code "sendmsg"}. */
    public String call() {
        return call;
    }

    /** The errno value the call left. */
    public int errno() {
        return errno;
    }
}
