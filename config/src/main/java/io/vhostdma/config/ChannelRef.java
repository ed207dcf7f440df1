package io.vhostdma.config;

/**
 * A DMA channel name as the config file and the management API write it: {@code DEVICE/N}, a
 * non-empty device part and a decimal N without sign or leading zeros.
 *
 * @param device the device name
 * @param index  the channel index
 */
public record ChannelRef(String device, int index) {

    private static final int MAX_DIGITS = 9;

    /** Parses {@code DEVICE/N}; returns {@code null} when the text is not such a name. */
    public static ChannelRef parse(String text) {
        if (text == null) {
            return null;
        }
        int slash = text.lastIndexOf('/');
        if (slash <= 0) {
            return null;
        }
        String digits = text.substring(slash + 1);
        if (digits.isEmpty() || digits.length() > MAX_DIGITS || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return null;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return null;
            }
        }
        return new ChannelRef(text.substring(0, slash), Integer.parseInt(digits));
    }

    @Override
    public String toString() {
        return device + "/" + index;
    }
}
