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
        assertEquals(List.of("worker: unknown key (known: ports, workers, worker-cpus, forwarding, management, dma, bindings, access-groups)"),
                problems(ONE_PORT + "worker: 1\n"));
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
                "ports[1].sockett: unknown key (known: name, socket, mode, queue-pairs, socket-mode)",
                "ports[1].queue-pairs: 0 is out of range (1..128)",
                "workers: must be an integer, got \"two\"",
                "forwarding: \"hub\" is not one of switch, sink",
                "dma: must be a list, got a mapping",
                "management.grpc: host 0.0.0.0 is not loopback (allowed: 127.0.0.0/8, localhost, ::1)",
                "colour: unknown key (known: ports, workers, worker-cpus, forwarding, management, dma, bindings, access-groups)"),
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
