package jrkt.core.pod.prepare;

/** The pod's network: the host's, a private one with only lo, or a namespace stage0 set up at {@code <pod>/netns} (CNI). */
public enum NetMode {
    HOST, NONE, JOIN;

    /** The plan's net line fields. */
    String[] planFields() {
        return switch (this) {
            case HOST -> new String[] {"host"};
            case NONE -> new String[] {"none"};
            case JOIN -> new String[] {"join", "netns"};
        };
    }
}
