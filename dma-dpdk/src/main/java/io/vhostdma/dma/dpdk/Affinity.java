package io.vhostdma.dma.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The calling thread's CPU affinity ({@code sched_getaffinity}/{@code sched_setaffinity} with pid 0):
 * read before {@code rte_eal_init}, which pins its calling thread to the main lcore's CPUs, and put back
 * after it. The mask is a 1024-bit {@code cpu_set_t}.
 */
final class Affinity {
    /** {@code sizeof(cpu_set_t)} in glibc: 1024 bits. */
    static final int MASK_BYTES = 128;
    private static final MethodHandle GET;
    private static final MethodHandle SET;

    static {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor fd = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
        GET = linker.downcallHandle(linker.defaultLookup().find("sched_getaffinity").orElseThrow(), fd);
        SET = linker.downcallHandle(linker.defaultLookup().find("sched_setaffinity").orElseThrow(), fd);
    }

    private Affinity() {
    }

    /** @return the calling thread's mask (a copy in heap memory) */
    static byte[] get() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES);
            int r = (int) GET.invokeExact(0, (long) MASK_BYTES, mask);
            if (r != 0) {
                throw new IllegalStateException("sched_getaffinity failed: result=" + r);
            }
            return mask.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
    }

    /** Sets the calling thread's mask. @param mask from {@link #get()} */
    static void set(byte[] mask) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(MASK_BYTES);
            MemorySegment.copy(mask, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, MASK_BYTES);
            int r = (int) SET.invokeExact(0, (long) MASK_BYTES, m);
            if (r != 0) {
                throw new IllegalStateException("sched_setaffinity failed: result=" + r);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
    }

    /** @param mask a mask @return the CPUs set in it, ascending */
    static List<Integer> cpus(byte[] mask) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < mask.length * 8; i++) {
            if ((mask[i / 8] & (1 << (i % 8))) != 0) {
                out.add(i);
            }
        }
        return out;
    }
}
