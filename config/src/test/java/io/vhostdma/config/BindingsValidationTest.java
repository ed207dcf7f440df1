package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.ONE_PORT;
import static io.vhostdma.config.ConfigTestSupport.TWO_PORTS_TWO_DEVICES;
import static io.vhostdma.config.ConfigTestSupport.parse;
import static io.vhostdma.config.ConfigTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class BindingsValidationTest {

    /** The two-port, two-device fixture with the given binding lines (flow mappings). */
    private static String bindings(String... entries) {
        StringBuilder out = new StringBuilder(TWO_PORTS_TWO_DEVICES).append("bindings:\n");
        for (String entry : entries) {
            out.append("  - ").append(entry).append('\n');
        }
        return out.toString();
    }

    @Test
    void shouldReadBindingsWhenTheyReferToExistingQueuesAndChannels() throws ConfigException {
        VhostdConfig config = parse(bindings("{port: vm0, queue: rxq0, channel: dma0/0}",
                "{port: vm1, queue: txq1, channel: dma0/3}", "{port: vm1, queue: rxq1, channel: dma1/0}"));
        assertEquals(List.of(new BindingConfig("vm0", new QueueRef(false, 0), "dma0", 0),
                new BindingConfig("vm1", new QueueRef(true, 1), "dma0", 3),
                new BindingConfig("vm1", new QueueRef(false, 1), "dma1", 0)), config.bindings());
        assertEquals("dma0/3", config.binding("vm1", QueueRef.parse("txq1")).channelName());
        assertNull(config.binding("vm0", QueueRef.parse("txq0")));
    }

    @Test
    void shouldRejectWhenKeysAreMissing() {
        assertEquals(List.of("bindings[0].port: is required", "bindings[0].queue: is required",
                        "bindings[0].channel: is required"),
                problems(bindings("{}")));
    }

    @Test
    void shouldRejectWhenBindingHasAnUnknownKeyOrIsNotAMapping() {
        assertEquals(List.of("bindings[0].dev: unknown key (known: port, queue, channel)",
                        "bindings[1]: must be a mapping, got a list"),
                problems(bindings("{port: vm0, queue: rxq0, channel: dma0/0, dev: dma0}", "[vm0, rxq0]")));
    }

    @Test
    void shouldRejectWhenQueueNameIsMalformed() {
        String hint = " is not a queue name (rxq<N> or txq<N>, N 0..127)";
        assertEquals(List.of("bindings[0].queue: \"rxq\"" + hint, "bindings[1].queue: \"rxq01\"" + hint,
                        "bindings[2].queue: \"q0\"" + hint, "bindings[3].queue: \"txq128\"" + hint,
                        "bindings[4].queue: must be a string, got 0"),
                problems(bindings("{port: vm0, queue: rxq, channel: dma0/0}",
                        "{port: vm0, queue: rxq01, channel: dma0/1}", "{port: vm0, queue: q0, channel: dma0/2}",
                        "{port: vm0, queue: txq128, channel: dma0/3}", "{port: vm0, queue: 0, channel: dma1/0}")));
    }

    @Test
    void shouldRejectWhenChannelNameIsMalformed() {
        String hint = " is not a channel name (DEVICE/N, e.g. dma0/0)";
        assertEquals(List.of("bindings[0].channel: \"dma0\"" + hint, "bindings[1].channel: \"/1\"" + hint,
                        "bindings[2].channel: \"dma0/x\"" + hint, "bindings[3].channel: \"dma0/01\"" + hint,
                        "bindings[4].channel: \"dma0/-1\"" + hint),
                problems(bindings("{port: vm0, queue: rxq0, channel: dma0}", "{port: vm0, queue: txq0, channel: /1}",
                        "{port: vm1, queue: rxq0, channel: dma0/x}", "{port: vm1, queue: txq0, channel: dma0/01}",
                        "{port: vm1, queue: rxq1, channel: dma0/-1}")));
    }

    @Test
    void shouldRejectWhenPortDoesNotExist() {
        assertEquals(List.of("bindings[0].port: vm9 does not exist (ports: vm0, vm1)"),
                problems(bindings("{port: vm9, queue: rxq0, channel: dma0/0}")));
    }

    @Test
    void shouldRejectWhenQueueIsBeyondThePortsQueuePairs() {
        assertEquals(List.of("bindings[1].queue: rxq3 is beyond port vm1's queue-pairs (2)",
                        "bindings[2].queue: txq1 is beyond port vm0's queue-pairs (1)"),
                problems(bindings("{port: vm1, queue: txq1, channel: dma0/0}",
                        "{port: vm1, queue: rxq3, channel: dma0/1}", "{port: vm0, queue: txq1, channel: dma0/2}")));
    }

    @Test
    void shouldRejectWhenDeviceDoesNotExist() {
        assertEquals(List.of("bindings[0].channel: device dma7 does not exist (dma: dma0, dma1)"),
                problems(bindings("{port: vm0, queue: rxq0, channel: dma7/0}")));
    }

    @Test
    void shouldSayNoDevicesAreConfiguredWhenDmaSectionIsAbsent() {
        assertEquals(List.of("bindings[0].channel: device dma0 does not exist (no dma devices are configured)"),
                problems(ONE_PORT + "bindings:\n  - {port: vm0, queue: rxq0, channel: dma0/0}\n"));
    }

    @Test
    void shouldRejectWhenChannelIndexIsBeyondTheDevicesChannels() {
        assertEquals(List.of("bindings[2].channel: dma0/9 does not exist (dma0 has 4 channels)",
                        "bindings[3].channel: dma1/1 does not exist (dma1 has 1 channel)"),
                problems(bindings("{port: vm0, queue: rxq0, channel: dma0/0}",
                        "{port: vm0, queue: txq0, channel: dma0/3}", "{port: vm1, queue: rxq0, channel: dma0/9}",
                        "{port: vm1, queue: txq0, channel: dma1/1}")));
    }

    @Test
    void shouldRejectSecondBindingNamingTheFirstWhenAChannelIsBoundTwice() {
        assertEquals(List.of("bindings[3].channel: dma0/1 is already bound to vm1/txq0 (bindings[1])"),
                problems(bindings("{port: vm0, queue: rxq0, channel: dma0/0}",
                        "{port: vm1, queue: txq0, channel: dma0/1}", "{port: vm1, queue: rxq0, channel: dma0/2}",
                        "{port: vm0, queue: txq0, channel: dma0/1}")));
    }

    @Test
    void shouldRejectSecondBindingNamingTheFirstWhenAQueueIsBoundTwice() {
        assertEquals(List.of("bindings[2].queue: vm1/rxq1 is already bound to dma0/0 (bindings[0])"),
                problems(bindings("{port: vm1, queue: rxq1, channel: dma0/0}",
                        "{port: vm1, queue: txq1, channel: dma0/1}", "{port: vm1, queue: rxq1, channel: dma0/2}")));
    }

    @Test
    void shouldAllowOneChannelPerQueueWhenEveryQueueOfBothPortsIsBound() throws ConfigException {
        VhostdConfig config = parse(bindings("{port: vm0, queue: rxq0, channel: dma0/0}",
                "{port: vm0, queue: txq0, channel: dma0/1}", "{port: vm1, queue: rxq0, channel: dma0/2}",
                "{port: vm1, queue: txq0, channel: dma0/3}", "{port: vm1, queue: rxq1, channel: dma1/0}"));
        assertEquals(5, config.bindings().size());
    }

    @Test
    void shouldSkipPortChecksButKeepDeviceChecksWhenPortsSectionIsInvalid() {
        String yaml = """
                ports:
                  - name: vm0
                    socket: relative.sock
                dma:
                  - {name: dma0, engine: sw}
                bindings:
                  - {port: vm9, queue: rxq5, channel: dma0/4}
                """;
        assertEquals(List.of("ports[0].socket: \"relative.sock\" is not an absolute path",
                        "bindings[0].channel: dma0/4 does not exist (dma0 has 4 channels)"),
                problems(yaml));
    }

    @Test
    void shouldSkipDeviceChecksWhenDmaSectionIsInvalid() {
        String yaml = ONE_PORT + "dma:\n  - {name: dma0, engine: sw, channels: 0}\n"
                + "bindings:\n  - {port: vm0, queue: rxq0, channel: dma0/4}\n";
        assertEquals(List.of("dma[0].channels: 0 is out of range (1..64)"), problems(yaml));
    }
}
