package io.vhostdma.backend.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Column alignment of the human output. */
class TableTest {
    @Test
    void shouldPadColumnsAndRightAlignNumbersWhenRendered() {
        String t = new Table("NAME", "COUNT#", "NOTE").row("a", 5, null).row("long-name", 12345, "x").render();
        assertEquals("""
                NAME       COUNT  NOTE
                a              5  -
                long-name  12345  x
                """, t);
    }

    @Test
    void shouldRefuseRowWhenCellCountDiffers() {
        assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("x"));
    }

    private static ViewCommands.Stats stats(String... args) {
        return (ViewCommands.Stats) Cli.parser().parseArgs(args).subcommand().commandSpec().userObject();
    }

    @Test
    void shouldParseWatchIntervalAndRefuseUnknownOptionWhenStatsGiven() {
        assertEquals("2", stats("stats", "--watch", "2").watch);
        assertEquals("", stats("stats", "--watch").watch);
        picocli.CommandLine.ParameterException e = assertThrows(picocli.CommandLine.ParameterException.class,
                () -> Cli.parser().parseArgs("stats", "--bogus"));
        assertEquals("stats: unknown option: --bogus", Cli.problem(e));
    }
}
