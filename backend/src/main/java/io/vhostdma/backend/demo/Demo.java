package io.vhostdma.backend.demo;

import io.vhostdma.backend.Vhostd;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.VhostdConfig;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Runs vhostd with {@code config} and a {@link Guest} on each of its first two ports. */
public final class Demo {
    private Demo() {
    }

    /**
     * Runs the demo for {@code seconds} (0 = until SIGINT/SIGTERM). Returns the exit code: 0 when
     * frames moved both ways, 1 otherwise.
     */
    public static int run(VhostdConfig config, int seconds, PrintStream out) {
        if (config.ports().size() < 2) {
            throw new IllegalArgumentException("the demo needs two ports: ports=" + config.ports().size());
        }
        CountDownLatch stop = new CountDownLatch(1);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> stop.countDown());
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.countDown());
        try (Vhostd daemon = Vhostd.start(config, out)) {
            PortConfig a = config.ports().get(0);
            PortConfig b = config.ports().get(1);
            out.println("demo: two Java front ends send 512-byte frames to each other (at most 192 in flight each way) through "
                    + a.name() + " and " + b.name() + (seconds > 0 ? " for " + seconds + " s" : " (Ctrl-C stops)"));
            try (VhostUserFrontend fa = VhostUserFrontend.connect(FrontendOptions.builder(a.socket()).build());
                    VhostUserFrontend fb = VhostUserFrontend.connect(FrontendOptions.builder(b.socket()).build())) {
                Guest ga = new Guest(a.name(), fa, 0x525400000001L, 0x525400000002L);
                Guest gb = new Guest(b.name(), fb, 0x525400000002L, 0x525400000001L);
                ga.peer(gb);
                gb.peer(ga);
                Thread ta = Thread.ofPlatform().name("demo-" + a.name()).daemon(true).start(ga);
                Thread tb = Thread.ofPlatform().name("demo-" + b.name()).daemon(true).start(gb);
                long end = seconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
                while (System.nanoTime() < end && !stop.await(1, TimeUnit.SECONDS)) {
                    out.println("demo: " + ga.rates() + " | " + gb.rates());
                }
                ga.stop();
                gb.stop();
                ta.join(2000);
                tb.join(2000);
                boolean moved = ga.received() > 0 && gb.received() > 0;
                out.println("demo: done: " + a.name() + " received=" + ga.received() + " " + b.name()
                        + " received=" + gb.received() + " corrupt=" + (ga.corrupt() + gb.corrupt()));
                return moved && ga.corrupt() + gb.corrupt() == 0 ? 0 : 1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
