package io.vhostdma.vhost.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target {@code session}: the vhost-user header decoder and the session state machine, fed
 * whole connections (message sequences with real memfds and eventfds, {@link SessionScript}).
 * The contract checked per input is {@link SessionHarness}'s. Seeds, replayed by every
 * {@code mvn test}: {@code src/test/resources/io/vhostdma/vhost/protocol/SessionFuzzTestInputs/}
 * (handshakes recorded from the Java front end by {@link SessionSeedRecorderTest}).
 */
class SessionFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void shouldKeepSessionContractWhenFrontEndSendsAnything(byte[] script) {
        SessionHarness.run(script);
    }
}
