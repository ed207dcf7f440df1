package io.vhostdma.vhost.internal.sys;

/** The errno values the project reacts to (Linux, asm-generic/errno-base.h and errno.h). */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int EPIPE = 32;
    public static final int ECONNRESET = 104;
    public static final int ECONNREFUSED = 111;
    public static final int EINPROGRESS = 115;

    private Errno() {
    }
}
