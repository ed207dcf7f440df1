package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * Parses management listen addresses {@code host:port} ({@code [v6]:port} for IPv6). The host must
 * be loopback: {@code localhost}, an IPv4 literal in 127.0.0.0/8, or an IPv6 loopback literal. No
 * name is ever resolved here.
 */
final class HostPorts {

    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,5}");
    private static final String LOOPBACK_HINT = " is not loopback (allowed: 127.0.0.0/8, localhost, ::1)";

    private HostPorts() {
    }

    /** The address in {@code node}, or {@code null} after recording a problem. */
    static HostPort read(JsonNode node, ConfigPath path, Problems problems) {
        if (node == null || !node.isTextual()) {
            problems.add(path, "must be a \"host:port\" string, got " + Nodes.describe(node));
            return null;
        }
        String text = node.textValue();
        int colon = text.lastIndexOf(':');
        boolean bracketed = text.startsWith("[") && colon > 0 && text.charAt(colon - 1) == ']';
        String host = bracketed ? text.substring(1, colon - 1) : colon > 0 ? text.substring(0, colon) : "";
        if (host.isEmpty() || (!bracketed && host.indexOf(':') >= 0)) {
            problems.add(path, Nodes.quote(text) + " is not host:port (IPv6 as [::1]:port)");
            return null;
        }
        Integer port = port(text.substring(colon + 1), path, problems);
        boolean loopback = isLoopback(host, bracketed);
        if (!loopback) {
            problems.add(path, "host " + Nodes.shownPlain(host) + LOOPBACK_HINT);
        }
        return port != null && loopback ? new HostPort(host, port) : null;
    }

    private static Integer port(String text, ConfigPath path, Problems problems) {
        if (!DIGITS.matcher(text).matches()) {
            problems.add(path, "port " + Nodes.quote(text) + " is not a number");
            return null;
        }
        int port = Integer.parseInt(text);
        if (port > 65_535) {
            problems.add(path, "port " + port + " is out of range (0..65535)");
            return null;
        }
        return port;
    }

    /** Whether {@code host} is a loopback name or literal; never resolves a name. */
    static boolean isLoopback(String host, boolean bracketed) {
        if (!bracketed && host.equals("localhost")) {
            return true;
        }
        boolean literal = bracketed ? host.indexOf(':') >= 0 : DOTTED_QUAD.matcher(host).matches();
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.ofLiteral(host).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
