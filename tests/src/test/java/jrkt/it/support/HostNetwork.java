package jrkt.it.support;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The host's network as the networking tests see it, made safe for test runs of several
 * checkouts at once on one machine: a test {@link #claimSubnet claims} a /24 of its own (a lock
 * file held by this JVM for as long as the test runs, so that no concurrent run takes it), names
 * its bridges after it, and only ever checks the host for what is its own (its subnet, its pods'
 * UUIDs). Tests of the built-in networks, whose subnets are the same for every jrkt, run jrkt in
 * a {@link #privateNamespace network namespace of their own}, which stands in for the host.
 */
public final class HostNetwork {
    private static final Path CLAIMS = Path.of("/run/jrkt-it-subnets");
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private HostNetwork() {}

    /** A claimed 10.201.N.0/24 with N in 0..255; close() gives it back. */
    public static final class Subnet implements AutoCloseable {
        private final int n;
        private final FileChannel channel;
        private final FileLock lock;

        private Subnet(int n, FileChannel channel, FileLock lock) {
            this.n = n;
            this.channel = channel;
            this.lock = lock;
        }

        /** "10.201.N.0/24". */
        public String cidr() { return prefix() + "0/24"; }
        /** "10.201.N." for building addresses. */
        public String prefix() { return "10.201." + n + "."; }
        /** A bridge name unique to this subnet (at most 15 characters). */
        public String bridge() { return "jrktit" + n; }

        @Override public void close() {
            // a bridge made by the bridge plugin outlives its pods by design (it is the network's): remove it here
            run("ip", "link", "del", bridge());
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the JVM anyway
            }
        }
    }

    /** Claims a subnet no other test (of this or another concurrent run) holds. */
    public static Subnet claimSubnet() {
        try {
            Files.createDirectories(CLAIMS);
            for (int n = 0; n < 256; n++) {
                FileChannel ch = FileChannel.open(CLAIMS.resolve(Integer.toString(n)), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (java.nio.channels.OverlappingFileLockException e) {
                    lock = null; // held by this JVM
                }
                if (lock != null) return new Subnet(n, ch, lock);
                ch.close();
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("all 256 test subnets are claimed");
    }

    /**
     * A network namespace with lo up, for jrkt to run in as if it were the host, kept by a bind
     * mount of its own in /run/jrkt-it-netns (unshare --net=FILE), outside every test's data
     * directory; close() unmounts it, and the namespace ends with the last process in it.
     */
    public static final class Namespace implements AutoCloseable {
        private final Path file;

        private Namespace(Path file) { this.file = file; }

        public Path path() { return file; }

        /** A command run in this namespace (nsenter switches only the network namespace). */
        public List<String> wrap(String... command) {
            List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + file));
            cmd.addAll(List.of(command));
            return cmd;
        }

        /** Runs a command in the namespace; returns its output (stdout and stderr). */
        public String exec(String... command) { return run(wrap(command).toArray(String[]::new)); }

        @Override public void close() {
            run("umount", file.toString());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // still mounted somewhere: the next run's claim of the name replaces it
            }
        }
    }

    public static Namespace privateNamespace() {
        Path dir = Path.of("/run/jrkt-it-netns");
        Path file = dir.resolve(ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet());
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(file);
            Files.createFile(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        String out = run("unshare", "--net=" + file, "true");
        if (Mounts.involving(file).isEmpty()) throw new AssertionError("unshare --net=" + file + ": " + out);
        Namespace ns = new Namespace(file);
        ns.exec("ip", "link", "set", "lo", "up");
        return ns;
    }

    /** Runs a command to its end (bounded); returns stdout and stderr together. */
    public static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish: " + String.join(" ", command));
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * What of a test's networks is still on the host (or in the namespace standing in for it):
     * addresses and routes in the subnet (every veth of ptp and bridge carries one), iptables
     * rules naming one of the pods or an address of the subnet, network namespaces mounted below the data directory, and
     * host-local lease files. Empty when nothing is left.
     */
    public static List<String> leftovers(Namespace where, String subnetPrefix, List<String> podUuids, Path dataDir) {
        List<String> left = new ArrayList<>();
        String addresses = where == null ? run("ip", "-o", "addr") : where.exec("ip", "-o", "addr");
        String routes = where == null ? run("ip", "route") : where.exec("ip", "route");
        for (String line : (addresses + routes).lines().toList()) {
            if (line.contains(" " + subnetPrefix) || line.startsWith(subnetPrefix)) left.add("address or route: " + line.strip());
        }
        String rules = where == null ? run("iptables-save") : where.exec("iptables-save");
        for (String line : rules.lines().toList()) {
            boolean ours = line.contains(subnetPrefix) || podUuids.stream().anyMatch(line::contains);
            if (ours) left.add("iptables: " + line);
        }
        for (Mounts.Mount m : Mounts.involving(dataDir)) left.add("mount: " + m.line());
        Path leases = dataDir.resolve("net/host-local");
        if (Files.isDirectory(leases)) {
            try (Stream<Path> s = Files.walk(leases)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    String name = p.getFileName().toString();
                    if (!name.equals("lock") && !name.startsWith("last_reserved_ip")) left.add("lease: " + p);
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return left;
    }

    /** Host-side interface names from a started pod's ADD results (net/eth*.json): the veths ptp and bridge made. */
    public static List<String> hostInterfaces(Path podDir) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(podDir.resolve("net"))) {
            for (Path f : s.filter(p -> p.getFileName().toString().matches("eth[0-9]+\\.json")).toList()) {
                String json = Files.readString(f);
                // {"name":"vethX","mac":...} without "sandbox": the host side
                for (String obj : json.split("\\{")) {
                    int i = obj.indexOf("\"name\":\"");
                    if (i >= 0 && !obj.contains("\"sandbox\"") && obj.contains("\"mac\"")) {
                        String rest = obj.substring(i + 8);
                        String name = rest.substring(0, rest.indexOf('"'));
                        if (name.startsWith("veth")) names.add(name); // a bridge is the network's, not the pod's
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return names;
    }
}
