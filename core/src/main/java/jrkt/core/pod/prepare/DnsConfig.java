package jrkt.core.pod.prepare;

import java.util.List;
import jrkt.core.JrktException;

/**
 * What goes into each app's /etc/resolv.conf: the image's own file (IMAGE), the host's
 * (HOST), one jrkt writes from --dns, --dns-search, --dns-opt and --dns-domain (GENERATED), or,
 * on CNI networks without any of these flags, one written from the networks' DNS settings when
 * the pod starts (NETWORK; until then, and when the networks give none, a copy of the image's).
 */
public record DnsConfig(Mode mode, List<String> servers, List<String> search, List<String> options, String domain) {
    public enum Mode { IMAGE, HOST, GENERATED, NETWORK }

    public static final DnsConfig IMAGE = new DnsConfig(Mode.IMAGE, List.of(), List.of(), List.of(), null);
    public static final DnsConfig HOST = new DnsConfig(Mode.HOST, List.of(), List.of(), List.of(), null);
    public static final DnsConfig NETWORK = new DnsConfig(Mode.NETWORK, List.of(), List.of(), List.of(), null);

    /**
     * From the flags: {@code --dns=host} takes the host's file, {@code --dns=none} keeps the
     * image's (and ignores the networks' DNS), addresses make jrkt write one. Without any flag:
     * the host's with host networking (the pod sees the host's resolvers anyway), the networks'
     * on CNI networks, else the image's.
     */
    public static DnsConfig fromFlags(List<String> dns, List<String> search, List<String> options, String domain, NetMode net) {
        boolean other = !search.isEmpty() || !options.isEmpty() || domain != null;
        if (dns.isEmpty() && !other) return net == NetMode.HOST ? HOST : net.hasNetworks() ? NETWORK : IMAGE;
        if (dns.equals(List.of("host"))) {
            if (other) throw new JrktException("--dns=host cannot be combined with --dns-search, --dns-opt or --dns-domain");
            return HOST;
        }
        if (dns.equals(List.of("none"))) {
            if (other) throw new JrktException("--dns=none cannot be combined with --dns-search, --dns-opt or --dns-domain");
            return IMAGE;
        }
        for (String s : dns) {
            if (s.equals("host") || s.equals("none")) throw new JrktException("--dns=" + s + " cannot be combined with other --dns values");
            try {
                java.net.InetAddress.ofLiteral(s); // a literal only; never a name lookup
            } catch (IllegalArgumentException e) {
                throw new JrktException("--dns=" + s + ": not an IP address (or host, none)");
            }
        }
        for (String s : search) checkWord("--dns-search", s);
        for (String s : options) checkWord("--dns-opt", s);
        if (domain != null) checkWord("--dns-domain", domain);
        return new DnsConfig(Mode.GENERATED, List.copyOf(dns), List.copyOf(search), List.copyOf(options), domain);
    }

    /** The resolv.conf text for GENERATED. */
    public String render() {
        StringBuilder out = new StringBuilder("# written by jrkt\n");
        for (String s : servers) out.append("nameserver ").append(s).append('\n');
        if (domain != null) out.append("domain ").append(domain).append('\n');
        if (!search.isEmpty()) out.append("search ").append(String.join(" ", search)).append('\n');
        if (!options.isEmpty()) out.append("options ").append(String.join(" ", options)).append('\n');
        return out.toString();
    }

    private static void checkWord(String flag, String v) {
        if (v.isEmpty() || !v.matches("[^\\s#;]+")) throw new JrktException(flag + "=" + v + ": must be one word without spaces, '#' or ';'");
    }
}
