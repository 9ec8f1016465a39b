package jrkt.core.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jrkt.core.json.Json;

/**
 * What jrkt reads from a network's ADD result: the pod's addresses and the DNS settings. Reads
 * the result formats of CNI 0.3.0 to 1.x ({@code ips}) and of 0.1/0.2 ({@code ip4}, {@code ip6}).
 * Addresses are written without their prefix length.
 */
record CniResult(List<String> ip4, List<String> ip6, Dns dns) {

    /** The result's "dns" object; empty lists and a null domain when absent. */
    record Dns(List<String> nameservers, String domain, List<String> search, List<String> options) {
        static final Dns NONE = new Dns(List.of(), null, List.of(), List.of());
    }

    static CniResult parse(Map<String, Object> result) {
        List<String> ip4 = new ArrayList<>(), ip6 = new ArrayList<>();
        if (result.get("ips") instanceof List<?> ips) {
            for (Object o : ips) {
                if (o instanceof Map<?, ?> ip && ip.get("address") instanceof String address) add(address, ip4, ip6);
            }
        }
        for (String key : List.of("ip4", "ip6")) {
            if (result.get(key) instanceof Map<?, ?> ip && ip.get("ip") instanceof String address) add(address, ip4, ip6);
        }
        Dns dns = Dns.NONE;
        if (result.get("dns") instanceof Map<?, ?> d) {
            Map<String, Object> m = Json.asObject(d);
            dns = new Dns(strings(m.get("nameservers")), m.get("domain") instanceof String s && !s.isBlank() ? s : null,
                strings(m.get("search")), strings(m.get("options")));
        }
        return new CniResult(List.copyOf(ip4), List.copyOf(ip6), dns);
    }

    private static void add(String cidr, List<String> ip4, List<String> ip6) {
        String address = cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr;
        (address.contains(":") ? ip6 : ip4).add(address);
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) for (Object v : l) if (v instanceof String s && !s.isBlank()) out.add(s);
        return out;
    }
}
