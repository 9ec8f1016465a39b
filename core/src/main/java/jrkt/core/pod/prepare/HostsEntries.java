package jrkt.core.pod.prepare;

import java.util.List;
import jrkt.core.JrktException;

/** Each app's /etc/hosts: localhost, the pod's hostname, and --hosts-entry IP=HOSTNAME lines ("host" copies the host's file). */
public final class HostsEntries {
    private HostsEntries() {}

    /** Checks one --hosts-entry value and returns it as an /etc/hosts line (or "host" as is). */
    public static String parse(String value) {
        if (value.equals("host")) return value;
        int eq = value.indexOf('=');
        if (eq <= 0 || eq == value.length() - 1) throw new JrktException("--hosts-entry " + value + ": expected IP=HOSTNAME or host");
        String ip = value.substring(0, eq), names = value.substring(eq + 1);
        try {
            java.net.InetAddress.ofLiteral(ip);
        } catch (IllegalArgumentException e) {
            throw new JrktException("--hosts-entry " + value + ": \"" + ip + "\" is not an IP address");
        }
        if (!names.matches("[A-Za-z0-9.-]+")) throw new JrktException("--hosts-entry " + value + ": \"" + names + "\" is not a host name");
        return ip + " " + names;
    }

    /** The file's text; null when it should be the host's own /etc/hosts. */
    public static String render(String hostname, List<String> entries) {
        if (entries.contains("host")) return null;
        StringBuilder out = new StringBuilder("# written by jrkt\n");
        out.append("127.0.0.1 localhost localhost.localdomain\n");
        out.append("::1 localhost ip6-localhost ip6-loopback\n");
        out.append("127.0.1.1 ").append(hostname).append('\n');
        for (String e : entries) out.append(e).append('\n');
        return out.toString();
    }
}
