package io.vhostdma.dma.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vhostdma.dma.DmaChannel;
import io.vhostdma.dma.Rig;
import io.vhostdma.dma.memory.DomainId;
import io.vhostdma.dma.memory.Registration;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code cpu} engine's batch contract (see the {@code dma} package-info): ops are described at enqueue
 * and executed as one batch inside {@code submit()}; the execution gate stays closed from the first check to
 * that submit, so an unmap cannot pass checked ops that have not run yet.
 */
class CpuEngineBatchTest {
    private static final int COPIES = 8;

    @Test
    void shouldMoveNoByteBeforeSubmitAndEveryByteAtSubmitWhenCopiesAreBatched() {
        try (Rig rig = new Rig("cpu")) {
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE);
            MemorySegment guest = rig.memory(rig.guestA, Rig.PAGE);
            Rig.fillRandom(host, 15);
            DmaChannel ch = rig.ch();
            for (int i = 0; i < COPIES; i++) {
                ch.copy(host.address() + i * 128L, guest.address() + i * 128L, 64 + i, 0);
            }
            assertEquals(0, ch.completed(COPIES, rig.info), "nothing completes before the submit");
            assertEquals(-1L, guest.asSlice(0, COPIES * 128L).mismatch(MemorySegment.ofArray(new byte[COPIES * 128])),
                "no destination byte moved before the submit");
            ch.submit();
            rig.awaitCompleted(ch, COPIES);
            for (int i = 0; i < COPIES; i++) {
                long off = i * 128L;
                assertEquals(-1L, MemorySegment.mismatch(host, off, off + 64 + i, guest, off, off + 64 + i),
                    "copy " + i + " landed whole");
                assertEquals(0, guest.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off + 64 + i),
                    "copy " + i + " wrote nothing past its length");
            }
        }
    }

    @Test
    void shouldHoldAnUnmapUntilTheSubmitWhenCheckedCopiesWaitForIt() throws Exception {
        try (Rig rig = new Rig("cpu")) {
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE);
            MemorySegment guest = rig.arena.allocate(Rig.PAGE, Rig.PAGE);
            Registration r = rig.dmas.memory().register(rig.guestA, guest, null, Rig.PAGE);
            rig.dmas.memory().map(rig.device, r);
            host.fill((byte) 0x5A);
            DmaChannel ch = rig.ch();
            ch.copy(host.address(), guest.address(), 64, 0); // checked against the mapped table, not submitted
            assertEquals(0, ch.completed(1, rig.info), "a poll does not run or end the batch");
            CompletableFuture<Void> unmap = CompletableFuture.runAsync(() -> rig.dmas.memory().unmap(rig.device, r));
            Thread.sleep(300);
            assertFalse(unmap.isDone(), "unmap returned while a checked copy had not run");
            ch.submit();
            unmap.get(5, TimeUnit.SECONDS);
            rig.awaitCompleted(ch, 1);
            assertEquals(-1L, MemorySegment.mismatch(host, 0, 64, guest, 0, 64), "the copy ran before the unmap");
        }
    }
}
