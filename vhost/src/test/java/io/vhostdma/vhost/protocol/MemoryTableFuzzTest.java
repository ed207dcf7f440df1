package io.vhostdma.vhost.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.internal.sys.Mmap;
import io.vhostdma.vhost.memory.GuestMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fuzz target {@code memory-table}: SET_MEM_TABLE decoding ({@link MemoryTable#decode}), mapping
 * ({@link GuestMemoryMapper}) and GPA/UVA translation ({@link GuestMemory}), against a reference
 * model of the table the front end described.
 *
 * <pre>
 * input := fd-count:u8  size:u16  payload:size bytes  probe*
 *   fd-count  memfds attached (modulo 9); memfd i is as long as region i needs (mmap_offset + size,
 *             page-rounded) if that is at most 64 KiB, else one page; every 8-byte word at file
 *             offset f holds pattern(i, f)
 *   size      payload bytes (modulo 4097), the SET_MEM_TABLE payload as sent
 *   probe     := addr:u64  len:u16  hint:u8 (each probe looks addr up as a GPA and as a UVA)
 * </pre>
 *
 * Must hold: decoding and mapping fail only with {@link ProtocolException}; an accepted table finds
 * exactly the region the model finds for every probe, translates to the right byte of the right
 * file ({@code mmap_offset} included), and bounds {@code uvaSlice} to one region; afterwards every
 * memfd is closed and the mappings are gone.
 */
class MemoryTableFuzzTest {
    static final long MAX_MEMFD_BYTES = 64 << 10;
    private static final int PROBE_BYTES = 11;
    private static final int MAX_PROBES = 64;

    @FuzzTest(maxDuration = "10s")
    void shouldTranslateLikeTheModelWhenFrontEndSendsAnyTable(byte[] input) {
        FdLeakCheck fds = FdLeakCheck.begin();
        ByteBuffer in = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 3) {
            return;
        }
        int fdCount = (in.get() & 0xff) % (SessionScript.MAX_FDS + 1);
        int size = Math.min((in.getShort() & 0xffff) % (MessageHeaderLayout.MAX_PAYLOAD + 1), in.remaining());
        byte[] payload = new byte[size];
        in.get(payload);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(Math.max(1, size), 8);
            MemorySegment.copy(payload, 0, p, ValueLayout.JAVA_BYTE, 0, size);
            GuestMemory memory = decodeAndMap(p, size, payload, fdCount);
            if (memory != null) {
                try (memory) {
                    TranslationModel model = TranslationModel.of(payload, memory.regionCount());
                    for (int i = 0; i < MAX_PROBES && in.remaining() >= PROBE_BYTES; i++) {
                        model.check(memory, in.getLong(), in.getShort() & 0xffff, in.get());
                    }
                }
                for (int i = 0; i < memory.regionCount(); i++) {
                    if (memory.segment(i).scope().isAlive()) {
                        throw new AssertionError("region still mapped after close: region=" + i);
                    }
                }
            }
        }
        fds.assertNoLeak("SET_MEM_TABLE");
    }

    /** The mapped table, or null when the front end's table was refused (with a ProtocolException). */
    private static GuestMemory decodeAndMap(MemorySegment payload, int size, byte[] bytes, int fdCount) {
        int[] fds = new int[fdCount];
        for (int i = 0; i < fdCount; i++) {
            fds[i] = patternedMemfd(i, SessionScript.memfdBytes(bytes, i, MAX_MEMFD_BYTES));
        }
        Message m = new Message(Request.SET_MEM_TABLE, MessageHeaderLayout.VERSION, payload, size, fds, fdCount);
        try {
            return GuestMemoryMapper.map(MemoryTable.decode(m), m);
        } catch (ProtocolException refused) {
            return null;
        } finally {
            m.closeUntakenFds();
        }
    }

    /** What the word at file offset {@code f} (a multiple of 8) of memfd {@code i} holds. */
    static long pattern(int i, long f) {
        return ((long) (i + 1) << 56) | f;
    }

    private static int patternedMemfd(int i, long bytes) {
        int fd = Memfd.create("fuzz-table-" + i, bytes);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = Mmap.mapShared(fd, 0, bytes, a);
            for (long f = 0; f < bytes; f += 8) {
                s.set(ValueLayout.JAVA_LONG, f, pattern(i, f));
            }
        }
        return fd;
    }
}
