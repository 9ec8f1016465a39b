package jrkt.core.pod.prepare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jrkt.core.JrktException;
import jrkt.core.net.NetworkConfigs;
import jrkt.core.net.NetworkSelection;
import jrkt.core.net.PodNetworks;
import jrkt.core.net.PortForward;

/**
 * The pod's network: the host's ({@link #HOST}), a private one with only lo ({@link #NONE}), or
 * CNI networks in a namespace that stage0 sets up at {@code <pod>/netns} when the pod starts
 * (docs/networking.md), with the {@code --port} forwards they carry.
 */
public final class NetMode {
    public static final NetMode HOST = new NetMode(List.of(), List.of(), List.of());
    public static final NetMode NONE = new NetMode(List.of(), List.of(), List.of());

    private final List<NetworkConfigs.SelectedNetwork> networks;
    private final List<Path> pluginPath;
    private final List<PortForward> ports;

    private NetMode(List<NetworkConfigs.SelectedNetwork> networks, List<Path> pluginPath, List<PortForward> ports) {
        this.networks = List.copyOf(networks);
        this.pluginPath = List.copyOf(pluginPath);
        this.ports = List.copyOf(ports);
    }

    /** CNI networks (at least one), in interface order, found on pluginPath, carrying these forwards. */
    public static NetMode networks(List<NetworkConfigs.SelectedNetwork> networks, List<Path> pluginPath, List<PortForward> ports) {
        if (networks.isEmpty()) throw new IllegalArgumentException("no networks");
        return new NetMode(networks, pluginPath, ports);
    }

    /**
     * From the {@code --net} and {@code --port} flags, the networks looked up in configs: no --net is
     * the {@code default} network. Every error is found here, before anything is created.
     */
    public static NetMode fromFlags(List<String> net, List<String> port, NetworkConfigs configs) {
        NetworkSelection selection = NetworkSelection.parse(net);
        List<PortForward> forwards = new ArrayList<>();
        for (String p : port) forwards.add(PortForward.parse(p));
        switch (selection.kind()) {
            case HOST, NONE -> {
                if (!forwards.isEmpty()) {
                    throw new JrktException("--port needs a CNI network (e.g. --net=default); with --net="
                        + jrkt.core.Ascii.lower(selection.kind().name()) + (selection.kind() == NetworkSelection.Kind.HOST
                            ? " the apps use the host's ports directly" : " the pod has no network to forward to"));
                }
                return selection.kind() == NetworkSelection.Kind.HOST ? HOST : NONE;
            }
            default -> {
                return networks(configs.select(selection), configs.pluginPath(), forwards);
            }
        }
    }

    public boolean hasNetworks() { return !networks.isEmpty(); }
    public List<NetworkConfigs.SelectedNetwork> networks() { return networks; }
    public List<Path> pluginPath() { return pluginPath; }
    public List<PortForward> ports() { return ports; }

    /** The plan's net line fields (docs/stage1-abi.md). */
    String[] planFields() {
        if (this == HOST) return new String[] {"host"};
        if (this == NONE) return new String[] {"none"};
        return new String[] {"join", PodNetworks.NETNS};
    }

    @Override public String toString() {
        if (this == HOST) return "host";
        if (this == NONE) return "none";
        return String.join(",", networks.stream().map(NetworkConfigs.SelectedNetwork::name).toList());
    }
}
