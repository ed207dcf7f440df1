package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.ONE_PORT;
import static io.vhostdma.config.ConfigTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagementValidationTest {

    @TempDir
    static Path dir;
    private static Path tokenFile;

    @BeforeAll
    static void writeTokenFile() throws IOException {
        tokenFile = dir.resolve("mgmt.token");
        Files.writeString(tokenFile, "s3cret-management-token\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    }

    private static ManagementConfig management(String body) throws ConfigException {
        return ConfigLoader.parse(ONE_PORT + "management:\n" + body, "t").management();
    }

    /** Problems of a {@code grpc} value given with a valid token, so only the address is wrong. */
    private static List<String> grpcProblems(String value) {
        return problems(ONE_PORT + "management:\n  grpc: " + value + "\n  token: file:" + tokenFile + "\n");
    }

    private static ManagementConfig tcp(HostPort grpc, HostPort metrics) {
        return ManagementConfig.metricsOn(metrics).withTcp(grpc, tokenFile);
    }

    @Test
    void shouldServeNoTcpAndOwnerOnlySocketsWhenSectionIsEmpty() throws ConfigException {
        ManagementConfig m = management("  metrics: 127.0.0.1:9464\n");
        assertEquals(ManagementConfig.defaults(), m);
        assertNull(m.grpc());
        assertEquals(0600, m.socketMode());
        assertEquals(0600, m.roSocketMode());
    }

    @Test
    void shouldKeepTheMetricsDefaultWhenOnlyTcpIsGiven() throws ConfigException {
        assertEquals(tcp(new HostPort("localhost", 0), ManagementConfig.DEFAULT_METRICS),
                management("  grpc: localhost:0\n  token: file:" + tokenFile + "\n"));
    }

    @Test
    void shouldAcceptLoopbackHostsWhenWrittenAnyAllowedWay() throws ConfigException {
        assertEquals(tcp(new HostPort("127.1.2.3", 65535), new HostPort("::1", 9464)),
                management("  grpc: 127.1.2.3:65535\n  token: file:" + tokenFile + "\n  metrics: \"[::1]:9464\"\n"));
    }

    @Test
    void shouldReadTheTokenBackWhenTheFileIsPrivate() throws ConfigException {
        assertEquals("s3cret-management-token",
                management("  grpc: 127.0.0.1:0\n  token: file:" + tokenFile + "\n").readToken());
    }

    @Test
    void shouldRejectWhenTcpHasNoToken() {
        assertEquals(List.of("management.grpc: a TCP endpoint needs management.token (file:PATH): without a token"
                + " every local user could steer vhostd"), problems(ONE_PORT + "management:\n  grpc: 127.0.0.1:0\n"));
    }

    @Test
    void shouldRejectWhenTokenIsNotAFileOrHasNoTcp() {
        assertEquals(List.of("management.token: must be file:PATH (the token is read from a file, never written in"
                        + " the config)"),
                problems(ONE_PORT + "management:\n  grpc: 127.0.0.1:0\n  token: env:TOKEN\n"));
        assertEquals(List.of("management.token: is only used by the TCP endpoint, and management.grpc is not set"),
                problems(ONE_PORT + "management:\n  token: file:" + tokenFile + "\n"));
    }

    @Test
    void shouldRejectWhenTokenFileIsMissingShortOrReadableByOthers() throws IOException {
        Path open = dir.resolve("open.token");
        Files.writeString(open, "s3cret-management-token\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Path shortToken = dir.resolve("short.token");
        Files.writeString(shortToken, "abc\n");
        Files.setPosixFilePermissions(shortToken, PosixFilePermissions.fromString("rw-------"));
        assertEquals(List.of("management.token: token file " + open + " is readable by other users (chmod o-r "
                + open + ")"), grpcProblemsWithToken(open));
        assertEquals(List.of("management.token: token from file " + shortToken + " has 3 characters (8..256"
                + " required)"), grpcProblemsWithToken(shortToken));
        assertEquals(List.of("management.token: cannot read token file " + dir.resolve("none") + ": no such file"),
                grpcProblemsWithToken(dir.resolve("none")));
    }

    private static List<String> grpcProblemsWithToken(Path token) {
        return problems(ONE_PORT + "management:\n  grpc: 127.0.0.1:0\n  token: file:" + token + "\n");
    }

    @Test
    void shouldReadSocketModesGroupAndDirectoriesWhenGiven() throws ConfigException {
        ManagementConfig m = management("""
                  socket-mode: "0660"
                  socket-group: root
                  ro-socket-mode: "0666"
                  socket-dirs: [/srv/vhost/, /run/vhostd-extra/../vhostd-b]
                """);
        assertEquals(new ManagementConfig(null, ManagementConfig.DEFAULT_METRICS, 0660, "root", 0666, null,
                List.of(Path.of("/srv/vhost"), Path.of("/run/vhostd-b"))), m);
    }

    @Test
    void shouldRejectWhenTheControlSocketWouldOpenToEveryUser() {
        assertEquals(List.of("management.socket-mode: \"0666\" grants more than \"0660\" allows (only vhostd's user"
                + " and a socket-group may connect)"), problems(ONE_PORT + "management:\n  socket-mode: \"0666\"\n"));
        assertEquals(List.of("management.ro-socket-mode: \"0667\" grants more than \"0666\" allows"),
                problems(ONE_PORT + "management:\n  ro-socket-mode: \"0667\"\n"));
    }

    @Test
    void shouldRejectWhenSocketGroupIsUnknownOrCannotConnect() {
        assertEquals(List.of("management.socket-group: no such group no-such-group-x"),
                problems(ONE_PORT + "management:\n  socket-mode: \"0660\"\n  socket-group: no-such-group-x\n"));
        assertEquals(List.of("management.socket-group: group root cannot connect with socket-mode \"0640\" (give the"
                + " group read and write, e.g. \"0660\")"),
                problems(ONE_PORT + "management:\n  socket-mode: \"0640\"\n  socket-group: root\n"));
    }

    @Test
    void shouldRejectWhenSocketDirsAreRelativeRepeatedOrTooLong() {
        assertEquals(List.of("management.socket-dirs[0]: \"run\" is not an absolute directory path",
                        "management.socket-dirs[2]: duplicate directory /a (also management.socket-dirs[1])",
                        "management.socket-dirs[3]: too long: /" + "d".repeat(100) + "/vhostd-ro.sock would not fit"
                                + " in sun_path (107 bytes)"),
                problems(ONE_PORT + "management:\n  socket-dirs: [run, /a, /a/, /" + "d".repeat(100) + "]\n"));
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
                problems(ONE_PORT + "management:\n  grpc: 127.0.0.1:9000\n  token: file:" + tokenFile
                        + "\n  metrics: 127.0.0.1:9000\n"));
    }

    @Test
    void shouldAcceptWhenBothAddressesPickAFreePort() throws ConfigException {
        assertEquals(tcp(new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0)),
                management("  grpc: 127.0.0.1:0\n  token: file:" + tokenFile + "\n  metrics: 127.0.0.1:0\n"));
    }

    @Test
    void shouldRejectWhenManagementHasUnknownKey() {
        assertEquals(List.of("management.rest: unknown key (known: socket-mode, socket-group, ro-socket-mode,"
                        + " socket-dirs, grpc, token, metrics)"),
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
