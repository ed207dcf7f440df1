package io.vhostdma.bench.dirtylog;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.dirtylog.DirtyLog;
import io.vhostdma.vhost.dirtylog.LogBitmap;
import io.vhostdma.vhost.frontend.DriverVirtqueue;
import io.vhostdma.vhost.frontend.GuestMemoryImage;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.GuestRegion;
import io.vhostdma.vhost.net.NetRx;
import io.vhostdma.vhost.net.RxScratch;
import io.vhostdma.vhost.virtq.SplitVirtqueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds per RX frame through the device side of a split ring in the Java front end's guest memory (pop,
 * header, CPU copy, used element; one publish per burst of {@value #BURST}), with dirty logging off and with
 * LOG_ALL on (a mapped log bitmap, the ring's LOG flag set): the cost of LOG_ALL, both in one run. The front
 * end's side (re-posting the buffers) is part of every frame in both cases.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DirtyLogBenchmark {
    private static final int RING = 256;
    private static final int BURST = 32;
    private static final int BUFFER = 2048;
    private static final int HEADER = 12;

    @Param({"false", "true"})
    public boolean logging;
    @Param({"64", "1518"})
    public int frameBytes;

    private GuestMemoryImage image;
    private GuestMemory memory;
    private DriverVirtqueue driver;
    private SplitVirtqueue device;
    private final RxScratch scratch = new RxScratch(RING);
    private final GatherList frame = new GatherList(1);
    private final Arena arena = Arena.ofShared();
    private DirtyLog log;

    /** Guest memory of two regions (GPAs from 0), an RX ring with every buffer posted, the log if asked. */
    @Setup(Level.Trial)
    public void setUp() {
        image = GuestMemoryImage.create(8L << 20, 2);
        driver = DriverVirtqueue.allocate(image, 0, RING);
        for (int d = 0; d < RING; d++) {
            driver.writeDescriptor(d, image.allocate(BUFFER, 64), BUFFER, 2 /* WRITE */, 0);
            driver.addAvail(d);
        }
        driver.publish();
        List<GuestRegion> regions = new ArrayList<>();
        for (int i = 0; i < image.regionCount(); i++) {
            regions.add(new GuestRegion(image.guestPhysAddr(i), image.regionSize(), image.userAddr(i),
                    image.regionSegment(i)));
        }
        memory = GuestMemory.of(regions, null);
        device = new SplitVirtqueue(0);
        device.configure(RING, image.userAddrOf(driver.descGpa()), image.userAddrOf(driver.availGpa()),
                image.userAddrOf(driver.usedGpa()));
        device.setFeatures(false, false);
        device.setLastAvailIndex(0);
        if (device.attach(memory, false) != 0) {
            throw new IllegalStateException("ring did not attach");
        }
        log = new DirtyLog(1);
        if (logging) {
            long bytes = (2 * image.regionSize() / LogBitmap.PAGE_SIZE + 63) / 64 * 8;
            log.swapBitmap(LogBitmap.create(bytes));
            log.usedLog(0, driver.usedGpa());
            log.logAll(true);
        }
        device.writeLog(log.forRing(0));
        MemorySegment bytes = arena.allocate(frameBytes, 64);
        frame.set(bytes, 0, frameBytes);
    }

    /** Unmaps and closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        LogBitmap b = log.swapBitmap(null);
        if (b != null) {
            b.close();
        }
        device.detach();
        image.close();
        arena.close();
    }

    /** One burst: {@value #BURST} frames written and published, then the driver re-posts their buffers. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int burst() {
        int n = 0;
        device.refillBudget();
        for (int i = 0; i < BURST; i++) {
            n += NetRx.enqueue(device, memory, frame, false, HEADER, scratch);
        }
        device.publishUsed();
        for (int i = 0; i < BURST; i++) {
            int id = driver.peekUsedId(0);
            driver.consumeUsed(1);
            driver.addAvail(id);
        }
        driver.publish();
        return n;
    }
}
