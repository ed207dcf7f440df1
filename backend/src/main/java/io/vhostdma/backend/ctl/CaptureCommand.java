package io.vhostdma.backend.ctl;

import io.vhostdma.backend.dataplane.CaptureRing;
import io.vhostdma.backend.grpc.proto.CaptureRequest;
import io.vhostdma.backend.grpc.proto.CapturedBatch;
import io.vhostdma.backend.grpc.proto.CapturedFrame;
import io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vhostctl capture PORT [--queue Q] --pcap FILE|- [--count N]}: writes the port's frames, as vhostd forwards
 * them, to a classic pcap file ({@link PcapWriter}) until Ctrl-C (or SIGTERM) or N frames, then exits 0. It needs
 * the socket that takes changes: a capture reveals a tenant's traffic. The file is created once vhostd started the
 * capture (an unknown port leaves no file behind); {@code -} writes to standard output (the summary then goes to
 * standard error), for {@code | tcpdump -r -}. Frames arrive in batches (RPC {@code CaptureBatches}); each batch is
 * written and flushed at once.
 */
@Command(name = "capture", description = "write a port's frames as pcap (FILE, or - for stdout) until interrupted or N frames")
final class CaptureCommand extends CtlCommand.WithoutToken {
    @Parameters(index = "0", paramLabel = "PORT")
    String port;
    @Option(names = "--queue", paramLabel = "Q", description = "N (rxqN and txqN), rxqN or txqN (default: every queue)")
    String queue;
    @Option(names = "--pcap", paramLabel = "FILE", description = "the pcap file to write (- for standard output)")
    String pcap;
    @Option(names = "--count", paramLabel = "N", description = "stop after N frames")
    String count;

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public List<String> requiredOptions() {
        return List.of("--pcap");
    }

    @Override
    public void check() {
        if (pcap == null) {
            throw CtlException.usage("capture: the pcap file is required: --pcap FILE (or - for standard output)");
        }
        Cli.positive("capture", "--count", count);
    }

    @Override
    public void run(Session s) {
        long limit = count == null ? 0 : Long.parseLong(count);
        CaptureRequest request = CaptureRequest.newBuilder().setPort(port).setQueue(queue == null ? "" : queue)
                .setCount(limit).build();
        CompletableFuture<Void> stop = new CompletableFuture<>();
        Sink sink = new Sink(s, limit, stop);
        try (Interrupts ignored = Interrupts.stopOn(stop)) {
            s.client().stream(VhostdControlGrpcClient.CaptureBatches, request, sink::open, sink::accept, stop);
        } finally {
            sink.close();
        }
        if (sink.failure != null) {
            throw new CtlException(VhostCtl.EXIT_ERROR, "vhostctl: cannot write " + pcap + ": " + sink.failure.getMessage());
        }
        String where = "-".equals(pcap) ? "standard output" : pcap;
        String summary = "captured " + sink.frames + " frame(s) of port=" + port + " into " + where
                + (sink.dropped > 0 ? "; dropped=" + sink.dropped + " (vhostctl was behind: vhostd's capture memory"
                + " was full; forwarding never waits for a capture)" : "; dropped=0");
        if ("-".equals(pcap)) {
            s.stderr().println("vhostctl: " + summary);
        } else {
            s.out().print(Map.of("port", port, "file", pcap, "frames", sink.frames, "dropped", sink.dropped),
                    () -> summary + "\n");
        }
    }

    /** The pcap file, opened when the capture started, and what arrived (on a Vert.x thread). */
    private final class Sink {
        private final Session session;
        private final long limit;
        private final CompletableFuture<Void> stop;
        private PcapWriter writer;
        /** Writing the file failed: the capture stopped. */
        IOException failure;
        long frames;
        long dropped;

        Sink(Session session, long limit, CompletableFuture<Void> stop) {
            this.session = session;
            this.limit = limit;
            this.stop = stop;
        }

        /** vhostd started the capture: the file is created now. */
        synchronized void open() {
            try {
                OutputStream os = "-".equals(pcap) ? session.stdout() : Files.newOutputStream(Path.of(pcap));
                writer = new PcapWriter(new BufferedOutputStream(os, 1 << 16), CaptureRing.SNAP_LENGTH);
                writer.flush();
            } catch (IOException | RuntimeException e) {
                stop.complete(null);
                throw new CtlException(VhostCtl.EXIT_ERROR, "vhostctl: cannot write " + pcap + ": " + reason(e));
            }
            session.stderr().println("vhostctl: capturing port=" + port + " queue=" + (queue == null ? "all" : queue)
                    + " into " + ("-".equals(pcap) ? "standard output" : pcap) + " (Ctrl-C stops)");
        }

        private static String reason(Exception e) {
            return e instanceof java.nio.file.NoSuchFileException ? "no such directory"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : String.valueOf(e.getMessage());
        }

        synchronized void accept(CapturedBatch batch) {
            if (writer == null || stop.isDone()) {
                return;
            }
            dropped = batch.getDropped();
            try {
                for (CapturedFrame f : batch.getFramesList()) {
                    if (limit > 0 && frames >= limit) {
                        break;
                    }
                    writer.write(f.getTimeNanos(), f.getOriginalLength(), f.getData().toByteArray());
                    frames++;
                }
                writer.flush(); // batch-buffered: a reader of the file (or pipe) sees each batch at once
            } catch (IOException e) {
                failure = e;
                stop.complete(null);
                return;
            }
            if (limit > 0 && frames >= limit) {
                stop.complete(null);
            }
        }

        synchronized void close() {
            if (writer == null) {
                return;
            }
            stop.complete(null); // no frame arriving from now on is written
            try {
                if ("-".equals(pcap)) {
                    writer.flush(); // standard output stays open for the summary of other commands' callers
                } else {
                    writer.close();
                }
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
    }
}
