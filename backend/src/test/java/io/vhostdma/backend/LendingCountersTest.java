package io.vhostdma.backend;

import static io.vhostdma.backend.metrics.ExpositionParser.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.grpc.proto.ListQueuesRequest;
import io.vhostdma.backend.grpc.proto.Queue;
import io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient;
import io.vhostdma.backend.metrics.ExpositionParser;
import io.vhostdma.backend.reactive.PacketBatch;
import io.vhostdma.backend.reactive.VhostBackend;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lending receiver's counters as an operator sees them: per TX queue in {@code /metrics}, in the gRPC
 * {@code ListQueues} reply, in {@code Management}'s views and in the port's stats line, with exact values for a run
 * that lends, stalls at the bound, returns released chains and has the rest revoked by GET_VRING_BASE.
 */
class LendingCountersTest {
    private static final int EXTRA = 20;
    private static final int TOTAL = VhostBackend.LEND_SLOTS + EXTRA;
    @TempDir
    Path dir;

    /** Keeps every lent batch it gets until the test releases them. */
    private static final class Holder {
        private final List<PacketBatch> batches = new ArrayList<>();

        synchronized void add(PacketBatch b) {
            batches.add(b);
        }

        synchronized int frames() {
            return batches.stream().mapToInt(PacketBatch::size).sum();
        }

        synchronized List<PacketBatch> all() {
            return new ArrayList<>(batches);
        }
    }

    @Test
    void shouldShowExactLendingCountersInMetricsAndManagementWhenChainsAreLentReturnedAndRevoked() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ReactiveFixture f = new ReactiveFixture(dir, DaemonFixture.builder(dir).port("a", 1).port("b", 1)
                .config()); HttpClient http = HttpClient.newHttpClient()) {
            VhostUserFrontend a = f.connect("a", o -> o.ringSize(512));
            f.connect("b");
            Holder h = new Holder();
            Cancellable sub = f.backend.receiveLent("a").subscribe().with(h::add);
            for (int i = 0; i < TOTAL; i++) {
                ReactiveFixture.send(a, Frames.frame(Frames.mac(0xb), Frames.mac(0xa), i, 60 + i, 4)); // one buffer each
            }
            ReactiveFixture.awaitUntil(() -> h.frames() == VhostBackend.LEND_SLOTS
                    && f.backend.lending("a").stalls() > 0, "the lending bound reached");
            List<PacketBatch> first = h.all();
            first.forEach(PacketBatch::release);
            ReactiveFixture.awaitUntil(() -> h.frames() == TOTAL && txq(f).lendReturned() == VhostBackend.LEND_SLOTS,
                    "the rest lent, the released chains returned");
            a.client().getVringBase(1); // the ring stops: the 20 frames still held are revoked, their chains go back
            ReactiveFixture.awaitUntil(() -> txq(f).lendRevoked() == EXTRA, "held chains revoked");
            long stalls = f.backend.lending("a").stalls();

            QueueView v = txq(f);
            assertEquals(List.of((long) TOTAL, (long) VhostBackend.LEND_SLOTS, stalls, (long) EXTRA),
                    List.of(v.lent(), v.lendReturned(), v.lendStalls(), v.lendRevoked()), "Management view");
            Queue q = grpcTxq(vertx, f);
            assertEquals(List.of((long) TOTAL, (long) VhostBackend.LEND_SLOTS, stalls, (long) EXTRA),
                    List.of(q.getLent(), q.getLendReturned(), q.getLendStalls(), q.getLendRevoked()), "gRPC Queue");
            Map<String, ExpositionParser.Family> m = scrape(http, f);
            Map<String, String> l = Map.of("port", "a", "queue", "txq0");
            assertEquals(TOTAL, (long) value(m, "vhostd_queue_lent_total", l));
            assertEquals(VhostBackend.LEND_SLOTS, (long) value(m, "vhostd_queue_lend_returned_total", l));
            assertEquals(stalls, (long) value(m, "vhostd_queue_lend_stalls_total", l));
            assertEquals(EXTRA, (long) value(m, "vhostd_queue_lend_revoked_total", l));
            assertEquals(0, (long) value(m, "vhostd_queue_lent_total", Map.of("port", "b", "queue", "txq0")));
            String line = f.counters("a").snapshot().fields();
            assertTrue(line.contains(" lent=" + TOTAL + " lend_returned=" + VhostBackend.LEND_SLOTS + " lend_stalls="
                    + stalls + " lend_revoked=" + EXTRA), line);
            sub.cancel();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static QueueView txq(ReactiveFixture f) {
        return f.backend.management().queues("a").get(1);
    }

    private static Queue grpcTxq(Vertx vertx, ReactiveFixture f) {
        VhostdControlGrpcClient c = VhostdControlGrpcClient.create(GrpcClient.client(vertx),
                SocketAddress.domainSocketAddress(f.backend.vhostd().controlSocket().toString()));
        for (Queue q : ManagementGrpcTest.get(c.listQueues(ListQueuesRequest.newBuilder().setPort("a").build()))
                .getQueuesList()) {
            if (q.getQueue().equals("txq0")) {
                return q;
            }
        }
        throw new AssertionError("no queue a/txq0");
    }

    private static Map<String, ExpositionParser.Family> scrape(HttpClient http, ReactiveFixture f) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + f.backend.vhostd().metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return ExpositionParser.parse(r.body());
    }
}
