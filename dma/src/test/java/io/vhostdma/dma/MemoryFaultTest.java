package io.vhostdma.dma;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.dma.memory.Registration;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A guest that shrinks the file under registered memory makes the engine's access fault (SIGBUS, raised by the
 * JVM as an InternalError): the op completes with BUS_ERROR and the channel, and the engine's thread, carry on.
 */
class MemoryFaultTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "sw"})
    void shouldCompleteWithBusErrorAndCarryOnWhenMemoryFaultsUnderTheCopy(String engine) throws IOException {
        try (Rig rig = new Rig(engine);
                FileChannel file = FileChannel.open(dir.resolve("guest"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment guest = file.map(FileChannel.MapMode.READ_WRITE, 0, 4 * Rig.PAGE, rig.arena);
            Registration r = rig.dmas.memory().register(rig.guestA, guest, null, Rig.PAGE);
            rig.dmas.memory().map(rig.device, r);
            MemorySegment host = rig.memory(io.vhostdma.dma.memory.DomainId.HOST, 2 * Rig.PAGE);
            guest.fill((byte) 7);
            file.truncate(Rig.PAGE); // pages 1..3 now raise SIGBUS when touched
            DmaChannel ch = rig.ch();
            ch.copy(guest.address(), host.address(), 64, 0);                  // still backed
            ch.copy(guest.address() + 2 * Rig.PAGE, host.address(), 64, 0);   // faults
            ch.copy(host.address(), guest.address() + 3 * Rig.PAGE, 64, 0);   // faults (write)
            ch.copy(host.address() + Rig.PAGE, host.address(), 64, 0);        // after the faults
            ch.submit();
            assertArrayEquals(new int[] {DmaStatus.SUCCESS, DmaStatus.BUS_ERROR, DmaStatus.BUS_ERROR,
                DmaStatus.SUCCESS}, rig.awaitStatuses(ch, 4));
            ch.copy(guest.address(), host.address() + Rig.PAGE, 128, 0);
            ch.submit();
            rig.awaitCompleted(ch, 1); // the engine (thread) is alive
            assertEquals((byte) 7, host.get(java.lang.foreign.ValueLayout.JAVA_BYTE, Rig.PAGE + 127));
        }
    }
}
