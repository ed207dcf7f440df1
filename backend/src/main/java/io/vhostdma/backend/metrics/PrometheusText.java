package io.vhostdma.backend.metrics;

import java.util.List;

/**
 * Writes Prometheus text exposition format 0.0.4: a family's {@code # HELP} and {@code # TYPE} lines,
 * then its samples {@code name{label="value",...} number}. Label values escape backslash, double
 * quote and line feed; HELP text escapes backslash and line feed.
 */
public final class PrometheusText {
    /** The Content-Type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** A family's type. */
    public enum Type {
        COUNTER, GAUGE;

        String text() {
            return this == COUNTER ? "counter" : "gauge";
        }
    }

    private final StringBuilder out = new StringBuilder(8192);

    /** Starts a family: its HELP and TYPE lines. */
    public PrometheusText family(String name, Type type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type.text()).append('\n');
        return this;
    }

    /** One sample; {@code labels} alternates names and values. */
    public PrometheusText sample(String name, List<String> labels, long value) {
        head(name, labels).append(value).append('\n');
        return this;
    }

    /** One sample with a floating-point value. */
    public PrometheusText sample(String name, List<String> labels, double value) {
        head(name, labels).append(number(value)).append('\n');
        return this;
    }

    private StringBuilder head(String name, List<String> labels) {
        if (labels.size() % 2 != 0) {
            throw new IllegalArgumentException("labels must be name/value pairs: metric=" + name + " labels=" + labels);
        }
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            for (int i = 0; i < labels.size(); i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels.get(i)).append("=\"").append(escapeLabel(labels.get(i + 1))).append('"');
            }
            out.append('}');
        }
        return out.append(' ');
    }

    /** A label value as the format writes it between the quotes. */
    public static String escapeLabel(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }

    /** The text written so far. */
    @Override
    public String toString() {
        return out.toString();
    }
}
