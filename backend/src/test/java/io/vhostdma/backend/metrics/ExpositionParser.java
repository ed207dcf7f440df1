package io.vhostdma.backend.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict little parser of Prometheus text format 0.0.4 for tests: families with their HELP and
 * TYPE, samples with unescaped labels (a summary's or histogram's {@code _count}, {@code _sum} and
 * {@code _bucket} samples belong to its family). Throws on any line it does not understand, on a sample before
 * its family's TYPE, and on a family announced twice.
 */
public final class ExpositionParser {
    /** One family. */
    public record Family(String name, String help, String type, List<Sample> samples) {
    }

    /** One sample. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private ExpositionParser() {
    }

    public static Map<String, Family> parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String[] p = line.substring(7).split(" ", 2);
                if (help.put(p[0], p.length > 1 ? p[1] : "") != null) {
                    throw new IllegalArgumentException("HELP twice: " + line);
                }
            } else if (line.startsWith("# TYPE ")) {
                String[] p = line.substring(7).split(" ");
                if (!help.containsKey(p[0]) || families.containsKey(p[0])) {
                    throw new IllegalArgumentException("TYPE without HELP or twice: " + line);
                }
                families.put(p[0], new Family(p[0], help.get(p[0]), p[1], new ArrayList<>()));
            } else if (line.startsWith("#")) {
                throw new IllegalArgumentException("unexpected comment: " + line);
            } else {
                Sample s = sample(line);
                Family f = families.getOrDefault(s.name(), aggregate(families, s.name()));
                if (f == null) {
                    throw new IllegalArgumentException("sample without family: " + line);
                }
                f.samples().add(s);
            }
        }
        return families;
    }

    /** The summary or histogram a {@code _count}, {@code _sum} or {@code _bucket} sample belongs to, or null. */
    private static Family aggregate(Map<String, Family> families, String sample) {
        for (String suffix : new String[] {"_count", "_sum", "_bucket"}) {
            if (sample.endsWith(suffix)) {
                Family f = families.get(sample.substring(0, sample.length() - suffix.length()));
                if (f != null && (f.type().equals("summary") || f.type().equals("histogram"))) {
                    return f;
                }
            }
        }
        return null;
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_'
                || line.charAt(i) == ':')) {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf("=\"", i);
                String label = line.substring(i, eq);
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        v.append(n == 'n' ? '\n' : n);
                    } else {
                        v.append(c);
                    }
                    j++;
                }
                labels.put(label, v.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (line.charAt(i) != ' ') {
            throw new IllegalArgumentException("no space before value: " + line);
        }
        String value = line.substring(i + 1);
        double d = switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
        return new Sample(name, labels, d);
    }

    /** The value of the one sample of {@code family} with exactly {@code labels}; fails when absent. */
    public static double value(Map<String, Family> families, String family, Map<String, String> labels) {
        Family f = families.get(family);
        if (f == null) {
            throw new AssertionError("no family " + family);
        }
        for (Sample s : f.samples()) {
            if (s.labels().equals(labels)) {
                return s.value();
            }
        }
        throw new AssertionError("no sample " + family + labels + " in " + f.samples());
    }
}
