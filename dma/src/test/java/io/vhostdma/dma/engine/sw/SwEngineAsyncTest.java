package io.vhostdma.dma.engine.sw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.DmaChannel;
import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.OpFlags;
import io.vhostdma.dma.Rig;
import io.vhostdma.dma.memory.DomainId;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The sw engine really is asynchronous: its own thread executes and posts completions. */
class SwEngineAsyncTest {

    @Test
    void shouldStayPendingAfterSubmitWhenEngineIsSlow() throws InterruptedException {
        EngineOptions slow = EngineOptions.defaults().withCompletionDelayNanos(200_000_000L);
        try (Rig rig = new Rig("sw", slow, 1, 64)) {
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE);
            host.set(ValueLayout.JAVA_LONG, 0, 0x1122334455667788L);
            DmaChannel ch = rig.ch();
            assertEquals(0, ch.copy(host.address(), host.address() + 2048, 8, OpFlags.SUBMIT));
            assertEquals(0, ch.completed(1, rig.info), "pending right after submit");
            assertEquals(0L, host.get(ValueLayout.JAVA_LONG, 2048), "no byte moved yet");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (host.get(ValueLayout.JAVA_LONG, 2048) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5); // the test thread makes no channel call: only the engine can move bytes
            }
            assertEquals(0x1122334455667788L, host.get(ValueLayout.JAVA_LONG, 2048));
            rig.awaitCompleted(ch, 1);
            long executor = ch.lastExecutorThreadId();
            Thread engine = engineThread("dma-sw-" + rig.device.name());
            assertEquals(engine.threadId(), executor, "completion posted by the engine thread");
            assertNotEquals(Thread.currentThread().threadId(), executor);
            assertTrue(engine.isDaemon());
        }
    }

    @Test
    void shouldParkWhenIdleAndWakeWhenDoorbellRings() throws InterruptedException {
        try (Rig rig = new Rig("sw")) {
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE);
            Thread engine = engineThread("dma-sw-" + rig.device.name());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (engine.getState() == Thread.State.RUNNABLE && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(Thread.State.TIMED_WAITING, engine.getState(), "parked when idle");
            long t0 = System.nanoTime();
            rig.ch().copy(host.address(), host.address() + 64, 8, OpFlags.SUBMIT);
            rig.awaitCompleted(rig.ch(), 1);
            assertTrue(System.nanoTime() - t0 < SwEngine.PARK_LIMIT_NANOS * 4, "the doorbell woke the engine");
            assertTrue(rig.device.dump().contains("parks="), rig.device.dump());
        }
    }

    @Test
    void shouldStopEngineThreadWhenDeviceStops() throws InterruptedException {
        try (Rig rig = new Rig("sw")) {
            Thread engine = engineThread("dma-sw-" + rig.device.name());
            rig.device.stop();
            engine.join(5000);
            assertTrue(!engine.isAlive());
            rig.device.start();
            assertTrue(engineThread("dma-sw-" + rig.device.name()).isAlive(), "restart spawns a new thread");
        }
    }

    static Thread engineThread(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name) && t.isAlive()) {
                return t;
            }
        }
        throw new AssertionError("no thread " + name);
    }
}
