package io.vhostdma.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EchoMainTest {
    @TempDir
    Path dir;

    @Test
    void shouldServeEachPortAndPrintFinalCountersWhenRunForOneSecond() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EchoMain.run(new String[] {"--socket-dir", dir.toString(), "--ports", "a,b", "--seconds", "1"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(EchoMain.EXIT_OK, code, text + err);
        assertTrue(text.contains("echo: serving port=a socket=" + dir.resolve("a.sock")), text);
        assertTrue(text.contains("echo: serving port=b socket=" + dir.resolve("b.sock")), text);
        assertTrue(text.contains("echo: ready"), text);
        assertTrue(text.contains("echo: final port=a echoed=0 dropped=0"), text);
        assertTrue(text.contains("echo: final port=b echoed=0 dropped=0"), text);
        assertTrue(Files.notExists(dir.resolve("a.sock")), "socket left behind after close");
    }

    @Test
    void shouldExitWithUsageCodeWhenAnArgumentIsUnknownOrMalformed() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errs = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(EchoMain.EXIT_USAGE, EchoMain.run(new String[] {"--colour", "red"}, out, errs));
        assertEquals(EchoMain.EXIT_USAGE, EchoMain.run(new String[] {"--seconds", "soon"}, out, errs));
        assertEquals(EchoMain.EXIT_USAGE, EchoMain.run(new String[] {"--ports"}, out, errs));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("unknown argument --colour"), text);
        assertTrue(text.contains("seconds=soon"), text);
        assertTrue(text.contains("--ports needs a value"), text);
    }
}
