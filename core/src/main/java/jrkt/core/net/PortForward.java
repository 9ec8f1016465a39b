package jrkt.core.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;

/**
 * One {@code --port=NAME:[HOSTIP:]HOSTPORT}: the host port (on HOSTIP only, when given) that
 * forwards to the app port called NAME in an app's image manifest. An IPv6 HOSTIP is written in
 * brackets ({@code http:[::1]:8080}).
 */
public record PortForward(String name, String hostIp, int hostPort) {

    /** One CNI portMappings entry (the portmap plugin's runtimeConfig). */
    public record Mapping(int hostPort, int containerPort, String protocol, String hostIp) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("hostPort", (long) hostPort);
            m.put("containerPort", (long) containerPort);
            m.put("protocol", protocol);
            if (hostIp != null) m.put("hostIP", hostIp);
            return m;
        }

        static Mapping fromJson(Map<String, Object> m) {
            return new Mapping(((Number) m.get("hostPort")).intValue(), ((Number) m.get("containerPort")).intValue(),
                (String) m.get("protocol"), (String) m.get("hostIP"));
        }
    }

    public static PortForward parse(String value) {
        int first = value.indexOf(':'), last = value.lastIndexOf(':');
        if (first <= 0 || last == value.length() - 1)
            throw new JrktException("--port=" + value + ": expected NAME:[HOSTIP:]HOSTPORT");
        String name = value.substring(0, first);
        String ip = first == last ? null : value.substring(first + 1, last);
        if (!name.matches("[a-z0-9]+([-._~/][a-z0-9]+)*"))
            throw new JrktException("--port=" + value + ": \"" + name + "\" is not a port name (an AC Name, as in the image manifest)");
        if (ip != null) {
            if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.substring(1, ip.length() - 1);
            try {
                ip = java.net.InetAddress.ofLiteral(ip).getHostAddress(); // a literal only; never a name lookup
            } catch (IllegalArgumentException e) {
                throw new JrktException("--port=" + value + ": \"" + ip + "\" is not an IP address");
            }
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(last + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) throw new JrktException("--port=" + value + ": the host port must be a number from 1 to 65535");
        return new PortForward(name, ip, port);
    }

    /**
     * The mappings of these forwards, each to the first app (in pod order) with a port of its name;
     * a port with {@code count} n maps n consecutive host ports. A name no app has is an error.
     */
    public static List<Mapping> resolve(List<PortForward> forwards, Map<String, List<ImageManifest.Port>> portsByApp) {
        List<Mapping> out = new ArrayList<>();
        for (PortForward f : forwards) {
            ImageManifest.Port port = null;
            for (List<ImageManifest.Port> ports : portsByApp.values()) {
                for (ImageManifest.Port p : ports) if (p.name().equals(f.name()) && port == null) port = p;
            }
            if (port == null) {
                List<String> known = new ArrayList<>();
                portsByApp.forEach((app, ports) -> ports.forEach(p -> known.add(p.name() + " (" + app + ")")));
                throw new JrktException("--port=" + f.name() + ":" + f.hostPort() + ": no app has a port named " + f.name()
                    + (known.isEmpty() ? " (the images declare no ports)" : "; ports: " + String.join(", ", known)));
            }
            int count = Math.max(1, port.count());
            if (f.hostPort() + count - 1 > 65535)
                throw new JrktException("--port=" + f.name() + ":" + f.hostPort() + ": port " + f.name() + " spans " + count + " ports, past 65535");
            for (int i = 0; i < count; i++) out.add(new Mapping(f.hostPort() + i, port.port() + i, port.protocol(), f.hostIp()));
        }
        for (int i = 0; i < out.size(); i++) {
            for (int j = 0; j < i; j++) {
                Mapping a = out.get(i), b = out.get(j);
                if (a.hostPort() == b.hostPort() && a.protocol().equals(b.protocol()))
                    throw new JrktException("--port: host port " + a.hostPort() + "/" + a.protocol() + " is forwarded twice");
            }
        }
        return out;
    }
}
