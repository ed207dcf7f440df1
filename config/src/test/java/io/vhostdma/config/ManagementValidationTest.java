package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.ONE_PORT;
import static io.vhostdma.config.ConfigTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ManagementValidationTest {

    private static ManagementConfig management(String body) throws ConfigException {
        return ConfigLoader.parse(ONE_PORT + "management:\n" + body, "t").management();
    }

    private static List<String> grpcProblems(String value) {
        return problems(ONE_PORT + "management:\n  grpc: " + value + "\n");
    }

    @Test
    void shouldKeepTheOtherDefaultWhenOnlyOneAddressIsGiven() throws ConfigException {
        assertEquals(new ManagementConfig(new HostPort("localhost", 0), ManagementConfig.DEFAULT_METRICS),
                management("  grpc: localhost:0\n"));
    }

    @Test
    void shouldAcceptLoopbackHostsWhenWrittenAnyAllowedWay() throws ConfigException {
        assertEquals(new ManagementConfig(new HostPort("127.1.2.3", 65535), new HostPort("::1", 9464)),
                management("  grpc: 127.1.2.3:65535\n  metrics: \"[::1]:9464\"\n"));
    }

    @Test
    void shouldRejectWhenHostIsNotLoopback() {
        assertEquals(List.of("management.grpc: host 10.0.0.1 is not loopback (allowed: 127.0.0.0/8, localhost, ::1)"),
                grpcProblems("10.0.0.1:50051"));
        assertEquals(List.of("management.grpc: host example.org is not loopback"
                + " (allowed: 127.0.0.0/8, localhost, ::1)"), grpcProblems("example.org:50051"));
        assertEquals(List.of("management.grpc: host :: is not loopback (allowed: 127.0.0.0/8, localhost, ::1)"),
                grpcProblems("\"[::]:50051\""));
    }

    @Test
    void shouldRejectWhenIpv6IsNotBracketed() {
        assertEquals(List.of("management.grpc: \"::1:50051\" is not host:port (IPv6 as [::1]:port)"),
                grpcProblems("\"::1:50051\""));
    }

    @Test
    void shouldRejectWhenPortIsMissing() {
        assertEquals(List.of("management.grpc: \"localhost\" is not host:port (IPv6 as [::1]:port)"),
                grpcProblems("localhost"));
    }

    @Test
    void shouldRejectWhenPortIsOutOfRange() {
        assertEquals(List.of("management.grpc: port 65536 is out of range (0..65535)"),
                grpcProblems("127.0.0.1:65536"));
    }

    @Test
    void shouldRejectWhenPortIsNotANumber() {
        assertEquals(List.of("management.grpc: port \"http\" is not a number"), grpcProblems("127.0.0.1:http"));
    }

    @Test
    void shouldRejectWhenAddressIsNotAString() {
        assertEquals(List.of("management.grpc: must be a \"host:port\" string, got 50051"), grpcProblems("50051"));
    }

    @Test
    void shouldRejectWhenBothAddressesAreEqual() {
        assertEquals(List.of("management.metrics: 127.0.0.1:9000 is already used by management.grpc"),
                problems(ONE_PORT + "management:\n  grpc: 127.0.0.1:9000\n  metrics: 127.0.0.1:9000\n"));
    }

    @Test
    void shouldAcceptWhenBothAddressesPickAFreePort() throws ConfigException {
        assertEquals(new ManagementConfig(new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0)),
                management("  grpc: 127.0.0.1:0\n  metrics: 127.0.0.1:0\n"));
    }

    @Test
    void shouldRejectWhenManagementHasUnknownKey() {
        assertEquals(List.of("management.rest: unknown key (known: grpc, metrics)"),
                problems(ONE_PORT + "management:\n  rest: 127.0.0.1:8080\n"));
    }

    @Test
    void shouldRejectWhenManagementIsNotAMapping() {
        assertEquals(List.of("management: must be a mapping, got \"127.0.0.1:50051\""),
                problems(ONE_PORT + "management: 127.0.0.1:50051\n"));
    }

    @Test
    void shouldBracketIpv6WhenHostPortIsPrinted() {
        assertEquals("127.0.0.1:50051", new HostPort("127.0.0.1", 50051).toString());
        assertEquals("[::1]:0", new HostPort("::1", 0).toString());
    }
}
