package io.vhostdma.dma.dpdk;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EAL arguments vhostd starts DPDK with: the configured ones ({@code dpdk.eal-args}), or when none
 * are configured {@link #DEFAULTS}, plus what a JVM needs unless the configuration says otherwise:
 * <ul>
 *   <li>a {@code --file-prefix} unique to the process ({@code vhostd-<pid>}), so two vhostds (or a testpmd)
 *       never share DPDK runtime state;</li>
 *   <li>lcores that pin no JVM thread: the main lcore (the lowest lcore id no {@code lcore=N} device
 *       argument names) is mapped to every CPU the JVM may run on, so {@code rte_eal_init} leaves its
 *       calling thread and DPDK's control threads as free as the JVM's own ({@code --lcores=M@(cpus)},
 *       {@code --main-lcore=M}); each lcore {@code N} a {@code --vdev=...,lcore=N} names (a skeleton
 *       dmadev's copy thread) is mapped to CPU {@code N}, so {@code lcore=N} pins that thread there.</li>
 * </ul>
 * A configuration that gives {@code -l}, {@code -c}, {@code --lcores} or {@code --main-lcore} itself
 * gets no lcore arguments added.
 */
final class EalArgs {
    /** The arguments when none are configured: no hugepages, 256 MiB, no PCI scan, no telemetry thread, no shared files. */
    static final List<String> DEFAULTS = List.of("--no-huge", "-m", "256", "--no-pci", "--no-telemetry", "--no-shconf");
    /** argv[0]. */
    static final String PROGRAM = "vhostd";
    private static final Pattern LCORE = Pattern.compile("(?:^|,)lcore=(\\d+)");

    private EalArgs() {
    }

    /**
     * @param configured the configured EAL arguments (empty: the defaults)
     * @param filePrefix the unique file prefix
     * @param cpus       the CPUs the JVM may run on
     * @return argv, {@link #PROGRAM} first
     */
    static List<String> build(List<String> configured, String filePrefix, List<Integer> cpus) {
        List<String> args = new ArrayList<>();
        args.add(PROGRAM);
        args.addAll(configured.isEmpty() ? DEFAULTS : configured);
        if (args.stream().noneMatch(a -> a.startsWith("--file-prefix"))) {
            args.add("--file-prefix=" + filePrefix);
        }
        if (args.stream().noneMatch(EalArgs::choosesLcores)) {
            TreeSet<Integer> pinned = pinnedLcores(args);
            int main = 0;
            while (pinned.contains(main)) {
                main++;
            }
            StringBuilder spec = new StringBuilder("--lcores=").append(main).append("@(");
            for (int i = 0; i < cpus.size(); i++) {
                spec.append(i == 0 ? "" : ",").append(cpus.get(i));
            }
            spec.append(')');
            for (int n : pinned) {
                spec.append(',').append(n).append('@').append(n);
            }
            args.add(spec.toString());
            args.add("--main-lcore=" + main);
        }
        return List.copyOf(args);
    }

    /**
     * @param args   argv from {@link #build}
     * @param prefix another file prefix
     * @return the same arguments with {@code --file-prefix=prefix} (the probe process's own)
     */
    static List<String> withFilePrefix(List<String> args, String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--file-prefix")) {
                i++; // its value follows
            } else if (!a.startsWith("--file-prefix=")) {
                out.add(a);
            }
        }
        out.add("--file-prefix=" + prefix);
        return List.copyOf(out);
    }

    private static boolean choosesLcores(String a) {
        return a.equals("-l") || a.equals("-c") || a.matches("-[lc][0-9x].*") || a.startsWith("--lcores")
            || a.startsWith("--main-lcore") || a.startsWith("--master-lcore");
    }

    /** The lcore ids named by {@code lcore=N} in {@code --vdev} arguments. */
    static TreeSet<Integer> pinnedLcores(List<String> args) {
        TreeSet<Integer> out = new TreeSet<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = a.startsWith("--vdev=") ? a.substring(7)
                : a.equals("--vdev") && i + 1 < args.size() ? args.get(i + 1) : null;
            if (value != null) {
                Matcher m = LCORE.matcher(value);
                while (m.find()) {
                    out.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return out;
    }
}
