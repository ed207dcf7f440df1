package io.vhostdma.vhost.net;

import java.lang.foreign.MemorySegment;

/** The scatter-gather CPU copier: {@code MemorySegment.copy} between two gather lists. Allocation-free. */
public final class GatherCopy {

    private GatherCopy() {
    }

    /**
     * Copies {@code len} bytes from {@code src} (starting {@code srcSkip} bytes in) to {@code dst} (starting
     * {@code dstSkip} bytes in).
     *
     * @return bytes copied: {@code len}, or fewer when either list ends first
     */
    public static long copy(GatherList src, long srcSkip, GatherList dst, long dstSkip, long len) {
        int si = 0;
        long so = srcSkip;
        while (si < src.count() && so >= src.length(si)) {
            so -= src.length(si++);
        }
        int di = 0;
        long dstOff = dstSkip;
        while (di < dst.count() && dstOff >= dst.length(di)) {
            dstOff -= dst.length(di++);
        }
        long done = 0;
        while (done < len && si < src.count() && di < dst.count()) {
            long n = Math.min(len - done, Math.min(src.length(si) - so, dst.length(di) - dstOff));
            MemorySegment.copy(src.segment(si), src.offset(si) + so, dst.segment(di), dst.offset(di) + dstOff, n);
            done += n;
            so += n;
            dstOff += n;
            if (so == src.length(si)) {
                si++;
                so = 0;
            }
            if (dstOff == dst.length(di)) {
                di++;
                dstOff = 0;
            }
        }
        return done;
    }
}
