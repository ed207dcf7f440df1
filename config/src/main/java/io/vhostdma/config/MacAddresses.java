package io.vhostdma.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Ethernet MAC addresses as the config file writes them: {@code aa:bb:cc:dd:ee:ff}, hex, either case. */
public final class MacAddresses {
    private static final Pattern TEXT = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}");

    private MacAddresses() {
    }

    /** The 48-bit value of {@code text} (first octet in the high bits), or -1 when it is not a MAC. */
    public static long parse(String text) {
        if (!TEXT.matcher(text).matches()) {
            return -1;
        }
        return Long.parseLong(text.replace(":", ""), 16);
    }

    /** {@code mac} (48 bits) as lower-case {@code aa:bb:cc:dd:ee:ff}. */
    public static String format(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            sb.append(shift == 40 ? "" : ":").append(String.format(Locale.ROOT, "%02x", (mac >>> shift) & 0xff));
        }
        return sb.toString();
    }

    /** Whether {@code mac} is a group (multicast or broadcast) address: bit 0 of the first octet. */
    public static boolean isGroup(long mac) {
        return (mac & (1L << 40)) != 0;
    }
}
