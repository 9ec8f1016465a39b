package jrkt.core.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What the ADD results change in each app's {@code hosts} and {@code resolv.conf} (in
 * {@code apps/<app>/}, {@code etc/<app>/} in pods an earlier jrkt prepared; written by PodPreparer,
 * bind-mounted by the plan): resolv.conf from the networks' DNS settings, when the pod was
 * prepared without {@code --dns} flags; and in a hosts file jrkt wrote, the pod's host name on
 * its first address instead of 127.0.1.1.
 */
final class EtcFiles {
    /** The first line of the files jrkt writes (pod.prepare.HostsEntries). */
    static final String WRITTEN_BY_JRKT = "# written by jrkt";
    private static final String HOSTNAME_ADDRESS = "127.0.1.1 ";

    private EtcFiles() {}

    static void update(Path pod, List<CniResult> results, boolean resolvConfFromResults) throws IOException {
        String resolv = resolvConfFromResults ? resolvConf(results) : null;
        String address = null;
        for (CniResult r : results) {
            if (address == null && !r.ip4().isEmpty()) address = r.ip4().getFirst();
        }
        for (CniResult r : results) {
            if (address == null && !r.ip6().isEmpty()) address = r.ip6().getFirst();
        }
        for (Path dir : appEtcDirs(pod)) {
            if (resolv != null) PodNetworks.writeAtomically(dir.resolve("resolv.conf"), resolv);
            Path hosts = dir.resolve("hosts");
            if (address != null && jrkt.core.fs.Lstat.isRegularFile(hosts)) {
                String text = new String(jrkt.core.fs.FileBytes.read(hosts), StandardCharsets.UTF_8);
                if (text.startsWith(WRITTEN_BY_JRKT)) {
                    String updated = withHostnameOn(text, address);
                    if (!updated.equals(text)) PodNetworks.writeAtomically(hosts, updated);
                }
            }
        }
    }

    /** resolv.conf from every network's DNS, in network order; null when no network gave a name server. */
    static String resolvConf(List<CniResult> results) {
        List<String> servers = new ArrayList<>(), search = new ArrayList<>(), options = new ArrayList<>();
        String domain = null;
        for (CniResult r : results) {
            servers.addAll(r.dns().nameservers());
            search.addAll(r.dns().search());
            options.addAll(r.dns().options());
            if (domain == null) domain = r.dns().domain();
        }
        if (servers.isEmpty()) return null;
        StringBuilder out = new StringBuilder(WRITTEN_BY_JRKT + " from the pod's networks\n");
        for (String s : distinct(servers)) out.append("nameserver ").append(s).append('\n');
        if (domain != null) out.append("domain ").append(domain).append('\n');
        if (!search.isEmpty()) out.append("search ").append(String.join(" ", distinct(search))).append('\n');
        if (!options.isEmpty()) out.append("options ").append(String.join(" ", distinct(options))).append('\n');
        return out.toString();
    }

    /** The hosts text with the pod's own-name line (127.0.1.1 NAME) moved to the address. */
    static String withHostnameOn(String hosts, String address) {
        StringBuilder out = new StringBuilder();
        for (String line : hosts.split("\n", -1)) {
            if (line.startsWith(HOSTNAME_ADDRESS)) line = address + " " + line.substring(HOSTNAME_ADDRESS.length());
            out.append(line).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    /**
     * The directories holding the apps' hosts and resolv.conf: apps/NAME/ with a hosts file, and
     * etc/NAME/ in a pod an earlier jrkt prepared.
     */
    private static List<Path> appEtcDirs(Path pod) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (String group : new String[] {"apps", "etc"}) {
            Path parent = pod.resolve(group);
            if (!jrkt.core.fs.Lstat.isDirectory(parent)) continue;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
                for (Path p : ds) {
                    if (!jrkt.core.fs.Lstat.isDirectory(p)) continue;
                    if (group.equals("etc") || jrkt.core.fs.Lstat.isRegularFile(p.resolve("hosts"))) dirs.add(p);
                }
            }
        }
        return dirs;
    }

    /** Distinct values in first-seen order. */
    private static List<String> distinct(List<String> values) { return List.copyOf(new LinkedHashSet<>(values)); }
}
