package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.ONE_PORT;
import static io.vhostdma.config.ConfigTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopLevelValidationTest {

    @Test
    void shouldApplyTopLevelDefaultsWhenOnlyPortsAreGiven() throws ConfigException {
        VhostdConfig config = ConfigLoader.parse(ONE_PORT, "t");
        assertEquals(1, config.workers());
        assertEquals(List.of(), config.workerCpus());
        assertEquals(Forwarding.SWITCH, config.forwarding());
        assertEquals(ManagementConfig.defaults(), config.management());
    }

    @Test
    void shouldRejectWhenWorkersIsNotAnInteger() {
        assertEquals(List.of("workers: must be an integer, got \"two\""), problems(ONE_PORT + "workers: two\n"));
    }

    @Test
    void shouldRejectWhenWorkersIsAQuotedNumber() {
        assertEquals(List.of("workers: must be an integer, got \"2\""), problems(ONE_PORT + "workers: \"2\"\n"));
    }

    @Test
    void shouldRejectWhenWorkersIsOutOfRange() {
        assertEquals(List.of("workers: 0 is out of range (1..64)"), problems(ONE_PORT + "workers: 0\n"));
        assertEquals(List.of("workers: 65 is out of range (1..64)"), problems(ONE_PORT + "workers: 65\n"));
    }

    @Test
    void shouldReadWorkerCpusWhenOnePerWorker() throws ConfigException {
        VhostdConfig config = ConfigLoader.parse(ONE_PORT + "workers: 3\nworker-cpus: [2, 0, 1]\n", "t");
        assertEquals(List.of(2, 0, 1), config.workerCpus());
    }

    @Test
    void shouldRejectWhenWorkerCpusCountDiffersFromWorkers() {
        assertEquals(List.of("worker-cpus: 2 cpus given for 1 worker (need one per worker, or none)"),
                problems(ONE_PORT + "worker-cpus: [0, 1]\n"));
    }

    @Test
    void shouldRejectWhenWorkerCpuIsNegativeOrNotAnInteger() {
        assertEquals(List.of("worker-cpus[0]: -1 is out of range (0..4095)",
                        "worker-cpus[1]: must be an integer, got \"one\""),
                problems(ONE_PORT + "workers: 2\nworker-cpus: [-1, one]\n"));
    }

    @Test
    void shouldRejectWhenWorkerCpuIsRepeated() {
        assertEquals(List.of("worker-cpus[1]: duplicate cpu 3 (also worker-cpus[0])"),
                problems(ONE_PORT + "workers: 2\nworker-cpus: [3, 3]\n"));
    }

    @Test
    void shouldRejectWhenWorkerCpusIsNotAList() {
        assertEquals(List.of("worker-cpus: must be a list, got 0"), problems(ONE_PORT + "worker-cpus: 0\n"));
    }

    @Test
    void shouldReadSinkWhenForwardingIsSink() throws ConfigException {
        assertEquals(Forwarding.SINK, ConfigLoader.parse(ONE_PORT + "forwarding: sink\n", "t").forwarding());
    }

    @Test
    void shouldRejectWhenForwardingIsUnknown() {
        assertEquals(List.of("forwarding: \"hub\" is not one of switch, sink"), problems(ONE_PORT + "forwarding: hub\n"));
    }

    @Test
    void shouldRejectWhenTopLevelKeyIsUnknown() {
        assertEquals(List.of("worker: unknown key (known: ports, workers, worker-cpus, forwarding, management,"
                        + " dma, bindings, access-groups,"
                        + " mac-aging-time, runtime-dir, dpdk)"),
                problems(ONE_PORT + "worker: 1\n"));
    }

    @Test
    void shouldQuoteKeyInPathWhenKeyIsNotPlain() {
        assertEquals(List.of("ports[0].\"a\\nb\": unknown key (known: name, socket, mode, queue-pairs, socket-mode,"
                        + " socket-group, mac-limit, allowed-macs)",
                        "\":\": unknown key (known: ports, workers, worker-cpus, forwarding, management,"
                        + " dma, bindings, access-groups,"
                        + " mac-aging-time, runtime-dir, dpdk)"),
                problems("ports:\n  - { name: vm0, socket: /tmp/vm0.sock, \"a\\nb\": 1 }\n\":\": 1\n"));
    }

    @Test
    void shouldHaveNoDmaBindingsOrGroupsWhenSectionsAreAbsent() throws ConfigException {
        VhostdConfig config = ConfigLoader.parse(ONE_PORT, "t");
        assertEquals(List.of(), config.dma());
        assertEquals(List.of(), config.bindings());
        assertEquals(List.of(), config.accessGroups());
    }

    @Test
    void shouldAcceptEmptyListsWhenDmaSectionsAreEmpty() throws ConfigException {
        VhostdConfig config = ConfigLoader.parse(ONE_PORT + "dma: []\nbindings: []\naccess-groups: []\n", "t");
        assertEquals(ConfigLoader.parse(ONE_PORT, "t"), config);
    }

    @Test
    void shouldRejectWhenDmaSectionsAreNotLists() {
        assertEquals(List.of("dma: must be a list, got a mapping", "bindings: must be a list, got \"x\"",
                        "access-groups: must be a list, got null"),
                problems(ONE_PORT + "dma: {}\nbindings: x\naccess-groups:\n"));
    }

    @Test
    void shouldRejectWhenDocumentIsNotAMapping() {
        assertEquals(List.of("test.yaml: must be a mapping with a ports list, got a list"), problems("- vm0\n"));
    }

    @Test
    void shouldReportAllProblemsTogetherWhenSeveralSectionsAreWrong() {
        String yaml = """
                ports:
                  - name: vm0
                    socket: vm0.sock
                    mode: listen
                  - name: vm1
                    socket: /tmp/vm1.sock
                    queue-pairs: 0
                    sockett: /tmp/x
                workers: two
                forwarding: hub
                dma: {}
                management:
                  grpc: 0.0.0.0:50051
                colour: blue
                """;
        assertEquals(List.of(
                "ports[0].socket: \"vm0.sock\" is not an absolute path",
                "ports[0].mode: \"listen\" is not one of server, client",
                "ports[1].sockett: unknown key (known: name, socket, mode, queue-pairs, socket-mode, socket-group,"
                        + " mac-limit, allowed-macs)",
                "ports[1].queue-pairs: 0 is out of range (1..128)",
                "workers: must be an integer, got \"two\"",
                "forwarding: \"hub\" is not one of switch, sink",
                "dma: must be a list, got a mapping",
                "management.grpc: host 0.0.0.0 is not loopback (allowed: 127.0.0.0/8, localhost, ::1)",
                "management.grpc: a TCP endpoint needs management.token (file:PATH): without a token every local"
                        + " user could steer vhostd",
                "colour: unknown key (known: ports, workers, worker-cpus, forwarding, management,"
                        + " dma, bindings, access-groups,"
                        + " mac-aging-time, runtime-dir, dpdk)"),
                problems(yaml));
    }

    @Test
    void shouldReportEntryProblemsInDocumentOrderThenCrossSectionProblemsWhenDmaSectionsAreWrong() {
        String yaml = """
                access-groups:
                  - {name: tenant-a, token: short, members: [vm0]}
                  - {name: tenant-b, token: tenant-b-token, members: [vm1, vm5]}
                  - {name: tenant-c, token: tenant-c-token, members: [vm1]}
                bindings:
                  - {port: vm0, queue: rxq0, channel: dma0/0}
                  - {port: vm1, queue: rxq1, channel: dma0/1}
                  - {port: vm1, queue: txq0, channel: dma0/9}
                  - {port: vm1, queue: txq0, channel: dma0/0}
                  - {port: vm1, queue: rxq, channel: dma0/2}
                ports:
                  - {name: vm0, socket: /tmp/vm0.sock}
                  - {name: vm1, socket: /tmp/vm1.sock}
                dma:
                  - {name: dma0, engine: sw}
                  - {name: dma1, engine: sw, ring-size: 48}
                workers: 2
                worker-cpus: [0]
                """;
        assertEquals(List.of(
                "access-groups[0].token: literal token has 5 characters (8..256 required)",
                "bindings[4].queue: \"rxq\" is not a queue name (rxq<N> or txq<N>, N 0..127)",
                "dma[1].ring-size: 48 is not a power of two",
                "worker-cpus: 1 cpus given for 2 workers (need one per worker, or none)",
                "bindings[1].queue: rxq1 is beyond port vm1's queue-pairs (1)",
                "bindings[3].queue: vm1/txq0 is already bound to dma0/9 (bindings[2])",
                "bindings[3].channel: dma0/0 is already bound to vm0/rxq0 (bindings[0])",
                "access-groups[1].members[1]: vm5 does not exist (ports: vm0, vm1)",
                "access-groups[2].members[0]: vm1 is already a member of tenant-b"),
                problems(yaml));
    }

    @Test
    void shouldJoinProblemsOnePerLineWhenMessageIsRead() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(ONE_PORT + "workers: 0\nforwarding: hub\n", "x.yaml"));
        assertEquals("workers: 0 is out of range (1..64)\nforwarding: \"hub\" is not one of switch, sink",
                e.getMessage());
        assertEquals("x.yaml", e.source());
    }
}
