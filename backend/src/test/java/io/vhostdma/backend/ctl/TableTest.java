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

    @Test
    void shouldParseWatchIntervalAndRefuseUnknownOptionWhenStatsGiven() {
        Command c = Command.parse(java.util.List.of("stats", "--watch", "2"));
        assertEquals("2", c.options().get("--watch"));
        assertEquals("", Command.parse(java.util.List.of("stats", "--watch")).options().get("--watch"));
        CtlException e = assertThrows(CtlException.class, () -> Command.parse(java.util.List.of("stats", "--bogus")));
        assertEquals(VhostCtl.EXIT_USAGE, e.exitCode());
    }
}
