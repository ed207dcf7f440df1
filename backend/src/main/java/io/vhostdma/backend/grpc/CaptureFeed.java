package io.vhostdma.backend.grpc;

import com.google.protobuf.ByteString;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vhostdma.backend.control.CaptureSession;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.grpc.proto.CaptureRequest;
import io.vhostdma.backend.grpc.proto.CapturedBatch;
import io.vhostdma.backend.grpc.proto.CapturedFrame;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One {@code Capture} or {@code CaptureBatches} stream: a {@link CaptureSession} read off the data path on the
 * stream's context every {@link #POLL_MILLIS} ms and whenever the stream drained (the workers never signal it, so an active capture costs
 * them only the copy), written while the stream takes it. When the client is behind the stream's write queue fills, the feed stops reading,
 * the capture's memory fills and the workers count what does not fit ({@code dropped}); they never wait. The
 * stream ends after the requested count (OK), when the client cancels, when the port is removed (NOT_FOUND) or
 * when the endpoint closes (UNAVAILABLE); the capture ends with it. {@code Capture} writes one message per frame,
 * {@code CaptureBatches} one per batch of up to {@value #CHUNK} frames, closed early once it holds
 * {@value #BATCH_BYTES} bytes of frame data: with frames of at most 65535 bytes a message stays under 200 KiB, within
 * gRPC's usual 256 KiB limit on a received message.
 */
final class CaptureFeed {
    /** How often the feed reads the capture. */
    static final long POLL_MILLIS = 2;
    /** Frames read at most between two checks of the stream's write queue (and in one batch). */
    private static final int CHUNK = 64;
    /** Frame data after which a batch is written without waiting for more frames. */
    static final int BATCH_BYTES = 128 << 10;

    private final Vertx vertx;
    /** The stream's context: every method but {@link #shutdown} runs on it. */
    private final Context context;
    private final CaptureSession session;
    private final GrpcServerResponse<CaptureRequest, ?> out;
    /** Frames per message: 1 for {@code Capture}, {@value #CHUNK} for {@code CaptureBatches}. */
    private final int batchFrames;
    /** Writes one message of the frames collected in {@link #batch}. */
    private final Consumer<CapturedBatch> emit;
    private final CapturedBatch.Builder batch = CapturedBatch.newBuilder();
    private int batchBytes;
    private final long limit;
    private final Set<CaptureFeed> feeds;
    private long sent;
    private long timer = -1;
    private boolean closed;

    private CaptureFeed(Vertx vertx, CaptureSession session, GrpcServerResponse<CaptureRequest, ?> out,
                        int batchFrames, Consumer<CapturedBatch> emit, long limit, Set<CaptureFeed> feeds) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.session = session;
        this.out = out;
        this.batchFrames = batchFrames;
        this.emit = emit;
        this.limit = limit;
        this.feeds = feeds;
    }

    /** Serves one {@code Capture} call (a message per frame): starts the capture or answers its failure's status. */
    static void serve(Vertx vertx, Management m, GrpcServerRequest<CaptureRequest, CapturedFrame> req,
                      Set<CaptureFeed> feeds) {
        GrpcServerResponse<CaptureRequest, CapturedFrame> out = req.response();
        serve(vertx, m, req, 1, b -> out.write(b.getFrames(0).toBuilder().setDropped(b.getDropped()).build()), feeds);
    }

    /** Serves one {@code CaptureBatches} call (a message per batch of frames). */
    static void serveBatches(Vertx vertx, Management m, GrpcServerRequest<CaptureRequest, CapturedBatch> req,
                             Set<CaptureFeed> feeds) {
        serve(vertx, m, req, CHUNK, req.response()::write, feeds);
    }

    private static void serve(Vertx vertx, Management m, GrpcServerRequest<CaptureRequest, ?> req, int batchFrames,
                              Consumer<CapturedBatch> emit, Set<CaptureFeed> feeds) {
        req.handler(msg -> {
            CaptureSession session;
            try {
                session = m.capture(msg.getPort(), msg.getQueue());
            } catch (RuntimeException e) {
                req.response().fail(Statuses.toStatus(e));
                return;
            }
            CaptureFeed feed = new CaptureFeed(vertx, session, req.response(), batchFrames, emit, msg.getCount(), feeds);
            req.errorHandler(e -> feed.close()); // the client cancelled (RST_STREAM)
            req.exceptionHandler(e -> feed.close());
            req.response().exceptionHandler(e -> feed.close());
            feeds.add(feed);
            req.response().writeHead(); // the client knows the capture runs before the first frame
            req.response().drainHandler(v -> feed.poll()); // a stream that was full takes frames again
            feed.timer = vertx.setPeriodic(POLL_MILLIS, id -> feed.poll());
        });
    }

    /** Writes what the capture holds while the stream takes it; ends the stream when it is done. */
    private void poll() {
        if (closed) {
            return;
        }
        while (!out.writeQueueFull() && (limit == 0 || sent < limit)) {
            int max = limit == 0 ? CHUNK : (int) Math.min(CHUNK, limit - sent);
            if (session.poll(this::add, max) == 0) {
                break;
            }
            flush();
        }
        if (limit > 0 && sent >= limit) {
            close();
            out.end();
        } else if (session.portRemoved()) {
            end(GrpcStatus.NOT_FOUND, "port removed during the capture: port=" + session.port());
        }
    }

    private void add(long epochNanos, String queue, int originalLength, MemorySegment bytes) {
        batch.addFrames(CapturedFrame.newBuilder().setTimeNanos(epochNanos).setQueue(queue)
                .setOriginalLength(originalLength).setData(ByteString.copyFrom(bytes.asByteBuffer())));
        batchBytes += (int) bytes.byteSize();
        sent++;
        if (batch.getFramesCount() == batchFrames || batchBytes >= BATCH_BYTES) {
            flush();
        }
    }

    /** Writes the frames collected so far as one message, with the capture's drop count as it is now. */
    private void flush() {
        if (batch.getFramesCount() > 0) {
            emit.accept(batch.setDropped(session.dropped()).build());
            batch.clear();
            batchBytes = 0;
        }
    }

    /** Ends the stream with {@code status} and the capture with it (on the stream's context). */
    void end(GrpcStatus status, String message) {
        if (!closed) {
            close();
            out.status(status).statusMessage(message).end();
        }
    }

    /** The endpoint closes (any thread): the stream ends with UNAVAILABLE. */
    void shutdown() {
        context.runOnContext(v -> end(GrpcStatus.UNAVAILABLE, "vhostd's management endpoint is closing"));
    }

    /** Ends the capture (its memory is freed once the workers quiesced); idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        feeds.remove(this);
        session.close();
    }
}
